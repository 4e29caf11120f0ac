// SPDX-License-Identifier: GPL-3.0-or-later
// A simulated power cut for SQLite, in-process (the approach of Jepsen's LazyFS). A VFS that
// wraps the default one and becomes the default: every write since a file's last xSync stays in
// an overlay of that file (reads see it, as they would see the page cache), and reaches the real
// file only when xSync is called on any handle of it. Cutting the power discards the overlays
// (or, when asked, keeps a random part of them: the kernel writes dirty pages back on its own),
// and from then on every write, truncate, sync and delete fails, as on a dead disk. restore()
// brings the power back. The file system's own metadata (creations, renames) is not simulated.
#pragma once

#include <QtGlobal>

namespace mm::test {

class PowerCutVfs final
{
public:
    // Registers the VFS as the process's default (once; later calls do nothing).
    static void install();
    // The power goes off during the n-th write from now (that write fails too). keepPercent of
    // the writes not yet synced reach the disk anyway, chosen with seed.
    static void cutAtWrite(qint64 n, int keepPercent = 0, quint32 seed = 0);
    static void cutNow(int keepPercent = 0, quint32 seed = 0);
    static bool isCut();
    // Power back, nothing pending, not armed; the counters start again.
    static void restore();

    struct Stats
    {
        qint64 writes = 0; // through the VFS, since restore()
        qint64 syncs = 0;
        qint64 pendingWrites = 0; // not yet synced
        qint64 lostWrites = 0; // discarded by the cut
    };
    static Stats stats();
};

} // namespace mm::test
