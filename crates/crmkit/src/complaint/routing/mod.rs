//! Routing: versioned rule sets that send each complaint to a department and a named person.
