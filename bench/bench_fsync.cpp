// SPDX-License-Identifier: GPL-3.0-or-later
// What one sync costs on this machine's disk, the unit of --durability power: 16 KiB written and
// fdatasync()ed, 2,000 times, appending to a growing file (a WAL that grows), overwriting a file
// already written (a WAL reused after a checkpoint), and into space reserved with
// posix_fallocate.
//
// Run: build/bench/bench_fsync [FOLDER (default /tmp; use the store's disk)]
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

constexpr int Rounds = 2000;
constexpr size_t Chunk = 16 * 1024;

double microsecondsPerSync(int fd, const std::vector<char> &buffer)
{
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < Rounds; ++i) {
        if (::pwrite(fd, buffer.data(), buffer.size(), off_t(i) * off_t(Chunk)) != ssize_t(Chunk)
            || ::fdatasync(fd) != 0) {
            std::perror("write or sync");
            return -1;
        }
    }
    const std::chrono::duration<double, std::micro> spent = std::chrono::steady_clock::now() - start;
    return spent.count() / Rounds;
}

int openFresh(const std::string &path)
{
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        std::perror(path.c_str());
    return fd;
}

} // namespace

int main(int argc, char **argv)
{
    const std::string folder = argc > 1 ? argv[1] : "/tmp";
    const std::string path = folder + "/bench_fsync.tmp";
    const std::vector<char> buffer(Chunk, 'x');

    int fd = openFresh(path);
    if (fd < 0)
        return 1;
    const double append = microsecondsPerSync(fd, buffer);
    // The same file again: every block is written already, so a sync carries data only.
    const double overwrite = microsecondsPerSync(fd, buffer);
    ::close(fd);

    fd = openFresh(path);
    if (fd < 0 || ::posix_fallocate(fd, 0, off_t(Rounds) * off_t(Chunk)) != 0 || ::fsync(fd) != 0)
        return 1;
    const double reserved = microsecondsPerSync(fd, buffer);
    ::close(fd);
    ::unlink(path.c_str());

    std::printf("fdatasync after a 16 KiB write, %d rounds each, in %s:\n", Rounds, folder.c_str());
    std::printf("  appending (the file grows):      %6.0f us\n", append);
    std::printf("  overwriting written blocks:      %6.0f us\n", overwrite);
    std::printf("  into posix_fallocate()d space:   %6.0f us\n", reserved);
    return append < 0 || overwrite < 0 || reserved < 0 ? 1 : 0;
}
