// SPDX-License-Identifier: GPL-3.0-or-later
// The last step of a power-safe file write. QSaveFile writes a temporary file, syncs it and
// renames it over the target, but a rename (like a new or removed file) is a change to the
// folder, which the disk keeps only once the folder itself is synced.
#pragma once

#include <QString>

namespace mm {

// fsync()s folder: files created, renamed into or removed from it since survive a power cut.
// false with a sentence in error when the folder cannot be opened or synced.
bool syncFolder(const QString &folder, QString *error = nullptr);
// The same for the folder that holds filePath.
bool syncFolderOf(const QString &filePath, QString *error = nullptr);

} // namespace mm
