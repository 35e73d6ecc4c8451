// Types of tickets.js.
export {};
