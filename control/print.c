/* STUB: to be written. */
int print_stub_unused(void);
int print_stub_unused(void) { return 0; }
