// The jigap Android library. Build the native libraries first: ./build-android.sh
pluginManagement {
    repositories { google(); mavenCentral(); gradlePluginPortal() }
}
dependencyResolutionManagement {
    repositories { google(); mavenCentral() }
}
rootProject.name = "jigap-android"
include(":jigap")
