/* STUB: to be written. */
int client_stub_unused(void);
int client_stub_unused(void) { return 0; }
