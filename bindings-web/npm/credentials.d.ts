// Types of credentials.js.
export {};
