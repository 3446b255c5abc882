// Placeholder: the template engine (issue 5) replaces this module.
export {};
