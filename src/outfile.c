/* Output files that are replaced whole or not at all (sgl_outfile_*): a
 * regular or new file is written to a unique temporary file beside it and
 * renamed over it only on success, so a failed or an interrupted write never
 * leaves a partial file under the name or clobbers an old one; a character
 * device or FIFO is written in place; a symbolic link is followed (its
 * target replaced, the link kept), a dangling one refused; a directory or
 * any other kind of file is refused.  And a checked close (sgl_file_close).
 * Any front end writing results to a path (the CLI's --out, Python) gets the
 * same guarantees. */
#include "internal.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

sgl_status sgl_file_close(FILE *f, const char *what, sgl_err *err)
{
    /* an earlier write that failed (output longer than the stdio buffer) left
     * its reason in errno: the best one to give when the flush has nothing
     * left to fail on */
    const int e_before = errno;
    errno = 0;
    int bad = fflush(f) != 0;
    int e = bad ? errno : 0;
    if (ferror(f)) {
        bad = 1;
        if (!e) e = e_before;
    }
    if (fclose(f) != 0) {
        /* stdout closed by the caller (>&-) with nothing written is not an error */
        if (errno != EBADF || bad) {
            if (!e) e = errno;
            bad = 1;
        }
    }
    if (!bad) return SGL_OK;
    return sgl_fail(err, SGL_EIO, "", "cannot write %s: %s", what, e ? strerror(e) : "write error");
}

/* the file a path names: a symbolic link resolved */
static sgl_status resolve(const char *path, const char *flag, char **out, sgl_err *err)
{
    struct stat sb;
    if (lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode)) {
        char t[PATH_MAX];
        if (!realpath(path, t))
            return sgl_fail(err, SGL_EINVAL, flag, "'%s' is a symbolic link to a missing file (%s); give the "
                            "target's path", path, strerror(errno));
        *out = sgl_strdup(t);
    } else {
        *out = sgl_strdup(path);
    }
    return *out ? SGL_OK : sgl_fail(err, SGL_ENOMEM, flag, "out of memory");
}

/* a new unique temporary file beside o->path with the mode a plain fopen would give */
static sgl_status open_temp(sgl_outfile *o, const char *path, int exists, const struct stat *sb, sgl_err *err)
{
    size_t n = strlen(o->path) + 16;
    if (!(o->tmp = sgl_malloc(n))) return sgl_fail(err, SGL_ENOMEM, o->flag, "out of memory");
    snprintf(o->tmp, n, "%s.tmp-XXXXXX", o->path);
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        sgl_status st = sgl_fail(err, errno == ENOENT || errno == ENOTDIR ? SGL_EINVAL : SGL_EIO, o->flag,
                                 "cannot write '%s': %s", path, strerror(errno));
        sgl_free(o->tmp);
        o->tmp = NULL;
        return st;
    }
    /* the old file's mode, else 0666 less the umask */
    mode_t mode = 0;
    if (exists) mode = sb->st_mode & 07777;
    else {
        mode_t um = umask(0);
        umask(um);
        mode = 0666 & ~um;
    }
    if (fchmod(fd, mode) != 0 || !(o->f = fdopen(fd, "w"))) {
        sgl_status st = sgl_fail(err, SGL_EIO, o->flag, "cannot write '%s': %s", path, strerror(errno));
        close(fd);
        return st;
    }
    return SGL_OK;
}

static sgl_status open_checked(sgl_outfile *o, const char *path, sgl_err *err)
{
    const char *flag = o->flag;
    if (!path[0]) return sgl_fail(err, SGL_EINVAL, flag, "needs a file name, got ''");
    sgl_status st = resolve(path, flag, &o->path, err);
    if (st != SGL_OK) return st;
    struct stat sb;
    int exists = stat(o->path, &sb) == 0;
    if (!exists && errno != ENOENT)
        return sgl_fail(err, SGL_EINVAL, flag, "cannot use '%s': %s", path, strerror(errno));
    if (exists && S_ISDIR(sb.st_mode))
        return sgl_fail(err, SGL_EINVAL, flag, "'%s' is a directory; give a file name", path);
    if (exists && (S_ISCHR(sb.st_mode) || S_ISFIFO(sb.st_mode))) {
        /* a device or a pipe: write in place, never replace it */
        if (!(o->f = fopen(o->path, "w")))
            return sgl_fail(err, SGL_EIO, flag, "cannot write '%s': %s", path, strerror(errno));
        return SGL_OK;
    }
    if (exists && !S_ISREG(sb.st_mode))
        return sgl_fail(err, SGL_EINVAL, flag, "'%s' is neither a regular file, a character device nor a FIFO; "
                        "refusing to write it", path);
    /* replacing a file the user may not write would bypass its permissions */
    if (exists && access(o->path, W_OK) != 0)
        return sgl_fail(err, SGL_EIO, flag, "cannot write '%s': %s", path, strerror(errno));
    return open_temp(o, path, exists, &sb, err);
}

sgl_status sgl_outfile_open(sgl_outfile *o, const char *path, const char *flag, sgl_err *err)
{
    memset(o, 0, sizeof *o);
    o->flag = flag;
    sgl_status st = open_checked(o, path, err);
    if (st != SGL_OK) sgl_outfile_abort(o);
    return st;
}

sgl_status sgl_outfile_commit(sgl_outfile *o, sgl_err *err)
{
    char what[600];
    snprintf(what, sizeof what, "'%s'", o->path);
    FILE *f = o->f;
    o->f = NULL;
    sgl_status st = sgl_file_close(f, what, err);
    if (st != SGL_OK) snprintf(err->field, sizeof err->field, "%s", o->flag);   /* "--out: cannot write 'F': ..." */
    if (st == SGL_OK && o->tmp && rename(o->tmp, o->path) != 0)
        st = sgl_fail(err, SGL_EIO, o->flag, "cannot write %s: %s", what, strerror(errno));
    if (st == SGL_OK) {
        sgl_free(o->tmp);
        o->tmp = NULL;
    }
    sgl_outfile_abort(o);
    return st;
}

void sgl_outfile_abort(sgl_outfile *o)
{
    if (o->f) fclose(o->f);
    if (o->tmp) remove(o->tmp);
    sgl_free(o->tmp);
    sgl_free(o->path);
    o->f = NULL;
    o->tmp = NULL;
    o->path = NULL;
}
