// SPDX-License-Identifier: GPL-3.0-or-later
#include "durablefile.h"

#include <QFile>
#include <QFileInfo>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace mm {

bool syncFolder(const QString &folder, QString *error)
{
    const int fd = ::open(QFile::encodeName(folder).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        if (error)
            *error = QStringLiteral("Cannot open the folder %1 to sync it: %2")
                         .arg(folder, QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    const bool ok = ::fsync(fd) == 0;
    const int why = errno;
    ::close(fd);
    if (!ok && error)
        *error = QStringLiteral("Cannot sync the folder %1 to disk: %2")
                     .arg(folder, QString::fromLocal8Bit(std::strerror(why)));
    return ok;
}

bool syncFolderOf(const QString &filePath, QString *error)
{
    return syncFolder(QFileInfo(filePath).absolutePath(), error);
}

} // namespace mm
