#include "cli/cli.h"
int cmd_serve(struct cu_ctx *ctx, int argc, char **argv) { (void)ctx; (void)argc; (void)argv; return 1; }
