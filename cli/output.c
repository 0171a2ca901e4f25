/* The CLI's side of output: checked closes that say what failed, and the
 * signals that stop a command at its next safe point.  The text forms of a
 * run (table, CSV, JSON Lines) are the library's (sgl_results_write), and so
 * are the files replaced whole or not at all (sgl_outfile). */
#include "cli.h"

#include <signal.h>
#include <string.h>

/* ------------------------------------------------------------ checked output
 * (the library's sgl_file_close / sgl_outfile_commit; the CLI says what failed) */

int cli_out_close(FILE *f, const char *what)
{
    sgl_err err = {{0}, {0}};
    if (sgl_file_close(f, what, &err) == SGL_OK) return 0;
    fprintf(stderr, "sgdlab: %s\n", err.msg);
    return -1;
}

int cli_out_commit(sgl_outfile *o)
{
    sgl_err err = {{0}, {0}};
    if (sgl_outfile_commit(o, &err) == SGL_OK) return 0;
    fprintf(stderr, "sgdlab: %s%s%s\n", err.field, err.field[0] ? ": " : "", err.msg);   /* --out: cannot write 'F' */
    return -1;
}

/* ------------------------------------------------------------------ signals */

volatile sig_atomic_t cli_signal;

static void on_signal(int sig) { cli_signal = sig; }

/* A signal ignored when sgdlab started (a background job of a script, nohup)
 * stays ignored, as the shell meant.  SA_RESTART: system calls (SQLite's,
 * stdio's) resume; the commands poll the flag at their safe points. */
void cli_catch_signals(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; ++i) {
        struct sigaction old, sa;
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN) continue;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART;
        sigaction(sigs[i], &sa, NULL);
    }
    sgl_set_cancel(&cli_signal);
}

int cli_signal_exit(void) { return 128 + (int)cli_signal; }

const char *cli_signal_name(void)
{
    return cli_signal == SIGINT ? "SIGINT" : cli_signal == SIGTERM ? "SIGTERM" : "SIGHUP";
}
