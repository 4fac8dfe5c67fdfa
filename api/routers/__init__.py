"""One router per noun; each only moves data between HTTP and the reasoner or the store."""
