#include "cli.h"
int sgl_cmd_reproduce(int argc, char **argv) { (void)argc; (void)argv; return 1; }
