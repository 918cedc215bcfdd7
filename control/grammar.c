/* STUB: to be written. */
int grammar_stub_unused(void);
int grammar_stub_unused(void) { return 0; }
