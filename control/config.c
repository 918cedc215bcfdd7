/* STUB: to be written. */
int config_stub_unused(void);
int config_stub_unused(void) { return 0; }
