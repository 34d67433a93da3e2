"""One small class per provider behind one shape: it takes what to send and answers with
an `Outcome` per recipient; it never touches the database (the sender does)."""
