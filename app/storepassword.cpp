// SPDX-License-Identifier: GPL-3.0-or-later
#include "storepassword.h"

#include "options.h"
#include "settings/secretbackend.h"
#include "store/pgpassword.h"

#include <QEventLoop>
#include <QTimer>
#include <cstdio>
#include <memory>
#include <termios.h>
#include <unistd.h>

namespace mm {

namespace {
// Calls the keyring through start (a read or a write) and waits for its answer at most waitMs.
// nullopt when none came in time (a late one is dropped).
std::optional<SecretBackend::Result> ask(const std::function<void(SecretBackend::Done)> &start, int waitMs)
{
    struct Pending
    {
        std::optional<SecretBackend::Result> result;
        QEventLoop *loop = nullptr;
    };
    auto pending = std::make_shared<Pending>();
    QEventLoop loop;
    pending->loop = &loop;
    start([pending](const SecretBackend::Result &r) {
        if (!pending->loop)
            return; // too late: the caller has moved on
        pending->result = r;
        pending->loop->quit();
    });
    if (!pending->result) {
        QTimer timer;
        timer.setSingleShot(true);
        timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
        timer.start(waitMs);
        loop.exec(QEventLoop::ExcludeUserInputEvents);
    }
    pending->loop = nullptr;
    return pending->result;
}

// One line from stdin without its line end; on a terminal, asked for on stderr and not echoed.
std::optional<QString> readPasswordLine(const QString &prompt)
{
    termios saved {};
    const bool terminal = ::isatty(STDIN_FILENO) == 1 && ::tcgetattr(STDIN_FILENO, &saved) == 0;
    if (terminal) {
        std::fprintf(stderr, "%s", qPrintable(prompt));
        std::fflush(stderr);
        termios quiet = saved;
        quiet.c_lflag &= tcflag_t(~ECHO);
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    QByteArray line;
    int c = 0;
    while ((c = std::fgetc(stdin)) != EOF && c != '\n')
        line.append(char(c));
    if (terminal) {
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        std::fprintf(stderr, "\n");
    }
    if (line.endsWith('\r'))
        line.chop(1);
    if (c == EOF && line.isEmpty())
        return std::nullopt;
    QString text = QString::fromLocal8Bit(line);
    line.fill('\0');
    return text;
}
} // namespace

StoreKeyring systemStoreKeyring()
{
    return [](const QString &key) -> std::unique_ptr<SecretBackend> {
        if (SecretKeeper::fileForced())
            return nullptr;
        return std::make_unique<KeychainBackend>(KeychainBackend::DefaultService, key);
    };
}

StorePassword passwordFromKeyring(StoreLocation *location, const StoreKeyring &keyring, int waitMs)
{
    if (!location->isPostgres() || !location->password.isEmpty())
        return StorePassword::NotNeeded;
    const PgPasswordLookup lookup = lookUpPgPassword(*location);
    if (lookup.libpqHasOne)
        return StorePassword::NotNeeded;
    const std::unique_ptr<SecretBackend> backend = keyring ? keyring(lookup.keyringKey) : nullptr;
    if (!backend)
        return StorePassword::NoKeyring;
    const auto result = ask([&backend](SecretBackend::Done done) { backend->read(std::move(done)); }, waitMs);
    if (!result || result->status == SecretBackend::Status::Failed)
        return StorePassword::NoKeyring;
    if (result->status == SecretBackend::Status::NotFound || result->text.isEmpty())
        return StorePassword::NotInKeyring;
    location->password = result->text;
    return StorePassword::FromKeyring;
}

bool saveStorePassword(const StoreLocation &location, const QString &password, const StoreKeyring &keyring,
                       QString *message, int waitMs)
{
    StoreLocation without = location;
    without.password.clear();
    const PgPasswordLookup lookup = lookUpPgPassword(without);
    const std::unique_ptr<SecretBackend> backend = keyring ? keyring(lookup.keyringKey) : nullptr;
    if (!backend) {
        *message = QStringLiteral("No keyring to save it in (%1=file): put the password in ~/.pgpass or "
                                  "PGPASSWORD instead.")
                       .arg(QLatin1String(SecretKeeper::BackendEnv));
        return false;
    }
    const auto result
        = ask([&](SecretBackend::Done done) { backend->write(password, std::move(done)); }, waitMs);
    if (!result || result->status == SecretBackend::Status::Failed) {
        *message = QStringLiteral("The keyring did not take the password (%1): put it in ~/.pgpass or "
                                  "PGPASSWORD instead.")
                       .arg(result ? result->error : QStringLiteral("no answer in time"));
        return false;
    }
    *message = QStringLiteral("Saved the password of %1 in the keyring.").arg(lookup.keyringKey);
    if (lookup.libpqHasOne)
        *message += QStringLiteral(" PGPASSWORD or the password file has one for this store too, and that "
                                   "one is used first.");
    return true;
}

int runStorePassword(const AppOptions &options, const StoreKeyring &keyring)
{
    auto fail = [](int code, const QString &why) {
        std::fprintf(stderr, "migration-monitor: %s\n", qPrintable(why));
        return code;
    };
    if (!options.store || !options.store->isPostgres())
        return fail(2,
                    QStringLiteral("--store-password-stdin saves the password of a PostgreSQL store: name it "
                                   "with --store postgresql://user@host/dbname or MIGRATION_MONITOR_STORE."));
    if (!options.store->password.isEmpty())
        return fail(2,
                    QStringLiteral("--store-password-stdin reads the password from stdin: leave it out of "
                                   "the store URL."));
    const std::optional<QString> password
        = readPasswordLine(QStringLiteral("Password for %1: ").arg(options.store->displayName()));
    if (!password || password->isEmpty())
        return fail(2, QStringLiteral("--store-password-stdin read no password from stdin."));
    QString message;
    if (!saveStorePassword(*options.store, *password, keyring, &message))
        return fail(1, message);
    std::printf("%s\n", qPrintable(message));
    return 0;
}

} // namespace mm
