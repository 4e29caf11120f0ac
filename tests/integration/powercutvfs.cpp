// SPDX-License-Identifier: GPL-3.0-or-later
#include "powercutvfs.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <new>
#include <random>
#include <sqlite3.h>
#include <string>
#include <vector>

namespace mm::test {

namespace {

struct Op
{
    bool truncate = false;
    sqlite3_int64 offset = 0; // a write's offset, or a truncate's new size
    std::string data;
};

struct State
{
    std::mutex mutex;
    sqlite3_vfs *real = nullptr;
    sqlite3_vfs vfs {};
    std::map<std::string, std::vector<Op>> pending; // by file name: what its page cache holds
    bool cut = false;
    qint64 cutAt = -1; // the write that cuts the power; -1: not armed
    int keepPercent = 0;
    quint32 seed = 0;
    PowerCutVfs::Stats stats;
};

State &state()
{
    static State s;
    return s;
}

struct File
{
    sqlite3_file base; // first: SQLite sees a File as a sqlite3_file
    sqlite3_file *real; // the wrapped VFS's file, allocated right after this struct
    std::string name; // empty for temporary files, which are not tracked
};

File *fileOf(sqlite3_file *f)
{
    return reinterpret_cast<File *>(f);
}

// Applies one op to the real file.
int apply(sqlite3_file *real, const Op &op)
{
    if (op.truncate)
        return real->pMethods->xTruncate(real, op.offset);
    return real->pMethods->xWrite(real, op.data.data(), int(op.data.size()), op.offset);
}

// With the state's mutex held.
void cutLocked(State &s)
{
    std::mt19937 rng(s.seed);
    std::uniform_int_distribution<int> percent(0, 99);
    for (auto &[name, ops] : s.pending) {
        sqlite3_file *real = nullptr;
        std::vector<char> storage;
        for (const Op &op : ops) {
            if (s.keepPercent > 0 && percent(rng) < s.keepPercent) {
                // Written back by the kernel before the cut: open the file briefly to apply it.
                if (!real) {
                    storage.resize(size_t(s.real->szOsFile));
                    real = reinterpret_cast<sqlite3_file *>(storage.data());
                    int outFlags = 0;
                    const bool wal = name.size() > 4 && name.compare(name.size() - 4, 4, "-wal") == 0;
                    if (s.real->xOpen(s.real, name.c_str(), real,
                                      SQLITE_OPEN_READWRITE | (wal ? SQLITE_OPEN_WAL : SQLITE_OPEN_MAIN_DB),
                                      &outFlags)
                        != SQLITE_OK) {
                        real = nullptr;
                        break;
                    }
                }
                apply(real, op);
            } else {
                ++s.stats.lostWrites;
            }
        }
        if (real)
            real->pMethods->xClose(real);
    }
    s.pending.clear();
    s.stats.pendingWrites = 0;
    s.cut = true;
}

int xClose(sqlite3_file *f)
{
    // Closing a file does not sync it: its pending writes stay in the "page cache".
    File *file = fileOf(f);
    const int rc = file->real->pMethods->xClose(file->real);
    file->name.~basic_string(); // placed in SQLite's memory by vfsOpen
    return rc;
}

int xRead(sqlite3_file *f, void *buffer, int amount, sqlite3_int64 offset)
{
    File *file = fileOf(f);
    State &s = state();
    std::lock_guard lock(s.mutex);
    int rc = file->real->pMethods->xRead(file->real, buffer, amount, offset);
    if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ)
        return rc;
    const auto it = s.pending.find(file->name);
    if (file->name.empty() || it == s.pending.end() || it->second.empty())
        return rc;
    sqlite3_int64 size = 0;
    if (file->real->pMethods->xFileSize(file->real, &size) != SQLITE_OK)
        return SQLITE_IOERR_READ;
    char *out = static_cast<char *>(buffer);
    const sqlite3_int64 end = offset + amount;
    for (const Op &op : it->second) {
        if (op.truncate) {
            size = op.offset;
            if (size < end) {
                const sqlite3_int64 from = std::max(offset, size);
                std::memset(out + (from - offset), 0, size_t(end - from));
            }
            continue;
        }
        const sqlite3_int64 opEnd = op.offset + sqlite3_int64(op.data.size());
        const sqlite3_int64 from = std::max(offset, op.offset);
        const sqlite3_int64 to = std::min(end, opEnd);
        if (from < to)
            std::memcpy(out + (from - offset), op.data.data() + (from - op.offset), size_t(to - from));
        size = std::max(size, opEnd);
    }
    // Bytes past the end read as zeros (they are: the real read and the truncates cleared them).
    return size >= end ? SQLITE_OK : SQLITE_IOERR_SHORT_READ;
}

int xWrite(sqlite3_file *f, const void *buffer, int amount, sqlite3_int64 offset)
{
    File *file = fileOf(f);
    State &s = state();
    std::lock_guard lock(s.mutex);
    if (s.cut)
        return SQLITE_IOERR_WRITE;
    if (file->name.empty())
        return file->real->pMethods->xWrite(file->real, buffer, amount, offset);
    ++s.stats.writes;
    if (s.cutAt >= 0 && s.stats.writes >= s.cutAt) {
        cutLocked(s);
        return SQLITE_IOERR_WRITE;
    }
    s.pending[file->name].push_back(
        Op {false, offset, std::string(static_cast<const char *>(buffer), size_t(amount))});
    ++s.stats.pendingWrites;
    return SQLITE_OK;
}

int xTruncate(sqlite3_file *f, sqlite3_int64 size)
{
    File *file = fileOf(f);
    State &s = state();
    std::lock_guard lock(s.mutex);
    if (s.cut)
        return SQLITE_IOERR_TRUNCATE;
    if (file->name.empty())
        return file->real->pMethods->xTruncate(file->real, size);
    s.pending[file->name].push_back(Op {true, size, {}});
    return SQLITE_OK;
}

int xSync(sqlite3_file *f, int flags)
{
    Q_UNUSED(flags);
    File *file = fileOf(f);
    State &s = state();
    std::lock_guard lock(s.mutex);
    if (s.cut)
        return SQLITE_IOERR_FSYNC;
    ++s.stats.syncs;
    const auto it = s.pending.find(file->name);
    if (it == s.pending.end())
        return SQLITE_OK;
    // The real file gets them now; it is never fsync()ed for real, since its contents in the
    // operating system's cache are what this simulation calls the disk.
    for (const Op &op : it->second) {
        if (const int rc = apply(file->real, op); rc != SQLITE_OK)
            return rc;
        --s.stats.pendingWrites;
    }
    s.pending.erase(it);
    return SQLITE_OK;
}

int xFileSize(sqlite3_file *f, sqlite3_int64 *size)
{
    File *file = fileOf(f);
    State &s = state();
    std::lock_guard lock(s.mutex);
    const int rc = file->real->pMethods->xFileSize(file->real, size);
    if (rc != SQLITE_OK)
        return rc;
    if (const auto it = s.pending.find(file->name); !file->name.empty() && it != s.pending.end()) {
        for (const Op &op : it->second)
            *size = op.truncate ? op.offset : std::max(*size, op.offset + sqlite3_int64(op.data.size()));
    }
    return SQLITE_OK;
}

// Everything else is the wrapped file's.
int xLock(sqlite3_file *f, int level)
{
    return fileOf(f)->real->pMethods->xLock(fileOf(f)->real, level);
}
int xUnlock(sqlite3_file *f, int level)
{
    return fileOf(f)->real->pMethods->xUnlock(fileOf(f)->real, level);
}
int xCheckReservedLock(sqlite3_file *f, int *out)
{
    return fileOf(f)->real->pMethods->xCheckReservedLock(fileOf(f)->real, out);
}
int xFileControl(sqlite3_file *f, int op, void *arg)
{
    return fileOf(f)->real->pMethods->xFileControl(fileOf(f)->real, op, arg);
}
int xSectorSize(sqlite3_file *f)
{
    return fileOf(f)->real->pMethods->xSectorSize(fileOf(f)->real);
}
int xDeviceCharacteristics(sqlite3_file *f)
{
    return fileOf(f)->real->pMethods->xDeviceCharacteristics(fileOf(f)->real);
}
int xShmMap(sqlite3_file *f, int page, int size, int extend, void volatile **out)
{
    return fileOf(f)->real->pMethods->xShmMap(fileOf(f)->real, page, size, extend, out);
}
int xShmLock(sqlite3_file *f, int offset, int n, int flags)
{
    return fileOf(f)->real->pMethods->xShmLock(fileOf(f)->real, offset, n, flags);
}
void xShmBarrier(sqlite3_file *f)
{
    fileOf(f)->real->pMethods->xShmBarrier(fileOf(f)->real);
}
int xShmUnmap(sqlite3_file *f, int deleteFlag)
{
    return fileOf(f)->real->pMethods->xShmUnmap(fileOf(f)->real, deleteFlag);
}

// Version 2: shared memory for WAL mode, no memory-mapped reads (they would bypass the overlay).
const sqlite3_io_methods Methods = {
    2,
    &xClose,
    &xRead,
    &xWrite,
    &xTruncate,
    &xSync,
    &xFileSize,
    &xLock,
    &xUnlock,
    &xCheckReservedLock,
    &xFileControl,
    &xSectorSize,
    &xDeviceCharacteristics,
    &xShmMap,
    &xShmLock,
    &xShmBarrier,
    &xShmUnmap,
    nullptr,
    nullptr,
};

int vfsOpen(sqlite3_vfs *, sqlite3_filename name, sqlite3_file *f, int flags, int *outFlags)
{
    State &s = state();
    File *file = fileOf(f);
    file->base.pMethods = nullptr;
    file->real = reinterpret_cast<sqlite3_file *>(file + 1);
    new (&file->name) std::string(name ? name : "");
    const int rc = s.real->xOpen(s.real, name, file->real, flags, outFlags);
    if (rc != SQLITE_OK || !file->real->pMethods) {
        file->name.~basic_string();
        return rc;
    }
    file->base.pMethods = &Methods;
    return SQLITE_OK;
}

int vfsDelete(sqlite3_vfs *, const char *name, int syncDir)
{
    State &s = state();
    std::lock_guard lock(s.mutex);
    if (s.cut)
        return SQLITE_IOERR_DELETE;
    s.pending.erase(name);
    return s.real->xDelete(s.real, name, syncDir);
}

int vfsAccess(sqlite3_vfs *, const char *name, int flags, int *out)
{
    return state().real->xAccess(state().real, name, flags, out);
}
int vfsFullPathname(sqlite3_vfs *, const char *name, int n, char *out)
{
    return state().real->xFullPathname(state().real, name, n, out);
}
void *vfsDlOpen(sqlite3_vfs *, const char *name)
{
    return state().real->xDlOpen(state().real, name);
}
void vfsDlError(sqlite3_vfs *, int n, char *out)
{
    state().real->xDlError(state().real, n, out);
}
void (*vfsDlSym(sqlite3_vfs *, void *handle, const char *symbol))(void)
{
    return state().real->xDlSym(state().real, handle, symbol);
}
void vfsDlClose(sqlite3_vfs *, void *handle)
{
    state().real->xDlClose(state().real, handle);
}
int vfsRandomness(sqlite3_vfs *, int n, char *out)
{
    return state().real->xRandomness(state().real, n, out);
}
int vfsSleep(sqlite3_vfs *, int us)
{
    return state().real->xSleep(state().real, us);
}
int vfsCurrentTime(sqlite3_vfs *, double *out)
{
    return state().real->xCurrentTime(state().real, out);
}
int vfsGetLastError(sqlite3_vfs *, int n, char *out)
{
    return state().real->xGetLastError(state().real, n, out);
}
int vfsCurrentTimeInt64(sqlite3_vfs *, sqlite3_int64 *out)
{
    return state().real->xCurrentTimeInt64(state().real, out);
}

} // namespace

void PowerCutVfs::install()
{
    State &s = state();
    std::lock_guard lock(s.mutex);
    if (s.real)
        return;
    s.real = sqlite3_vfs_find(nullptr);
    Q_ASSERT(s.real && s.real->iVersion >= 2);
    s.vfs.iVersion = 2;
    s.vfs.szOsFile = int(sizeof(File)) + s.real->szOsFile;
    s.vfs.mxPathname = s.real->mxPathname;
    s.vfs.zName = "powercut";
    s.vfs.xOpen = &vfsOpen;
    s.vfs.xDelete = &vfsDelete;
    s.vfs.xAccess = &vfsAccess;
    s.vfs.xFullPathname = &vfsFullPathname;
    s.vfs.xDlOpen = &vfsDlOpen;
    s.vfs.xDlError = &vfsDlError;
    s.vfs.xDlSym = &vfsDlSym;
    s.vfs.xDlClose = &vfsDlClose;
    s.vfs.xRandomness = &vfsRandomness;
    s.vfs.xSleep = &vfsSleep;
    s.vfs.xCurrentTime = &vfsCurrentTime;
    s.vfs.xGetLastError = &vfsGetLastError;
    s.vfs.xCurrentTimeInt64 = &vfsCurrentTimeInt64;
    sqlite3_vfs_register(&s.vfs, 1);
}

void PowerCutVfs::cutAtWrite(qint64 n, int keepPercent, quint32 seed)
{
    State &s = state();
    std::lock_guard lock(s.mutex);
    s.cutAt = s.stats.writes + n;
    s.keepPercent = keepPercent;
    s.seed = seed;
}

void PowerCutVfs::cutNow(int keepPercent, quint32 seed)
{
    State &s = state();
    std::lock_guard lock(s.mutex);
    if (s.cut)
        return;
    s.keepPercent = keepPercent;
    s.seed = seed;
    cutLocked(s);
}

bool PowerCutVfs::isCut()
{
    State &s = state();
    std::lock_guard lock(s.mutex);
    return s.cut;
}

void PowerCutVfs::restore()
{
    State &s = state();
    std::lock_guard lock(s.mutex);
    s.pending.clear();
    s.cut = false;
    s.cutAt = -1;
    s.keepPercent = 0;
    s.stats = {};
}

PowerCutVfs::Stats PowerCutVfs::stats()
{
    State &s = state();
    std::lock_guard lock(s.mutex);
    return s.stats;
}

} // namespace mm::test
