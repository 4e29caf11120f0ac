// SPDX-License-Identifier: GPL-3.0-or-later
// Where the signing secrets live (core/settings/secretkeeper): the keyring when one answers,
// else the 0600 file with a warning; file secrets moved into the keyring and the file erased;
// a slow or refusing keyring never loses a secret. Against a fake keyring, and against a real
// one (gnome-keyring on a private D-Bus session) when the tools are installed.
#include "fakekeyring.h"
#include "helperverify.h"
#include "settings/secretkeeper.h"
#include "testsecret.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLibrary>
#include <QPointer>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

using namespace mm;
using mm::test::modeOf;
using mm::test::secretFor;

namespace {
const QString A = secretFor("first-endpoint-key-bytes");
const QString B = secretFor("second-endpoint-key-byte");
const QString C = secretFor("third-endpoint-key-bytes");

// Every message logged while it lives.
class LogCapture
{
public:
    LogCapture() { s_messages.clear(), s_previous = qInstallMessageHandler(&LogCapture::handle); }
    ~LogCapture() { qInstallMessageHandler(s_previous); }
    static QString all() { return s_messages.join(u'\n'); }

private:
    static void handle(QtMsgType type, const QMessageLogContext &context, const QString &message)
    {
        s_messages.append(message);
        s_previous(type, context, message);
    }
    static inline QStringList s_messages;
    static inline QtMessageHandler s_previous = nullptr;
};
} // namespace

class TestSecretKeeper : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void fileForcedByTheEnvironment();
    void noKeyringMeansTheFileWithAWarning();
    void secretsGoToTheKeyringNotTheFile();
    void fileSecretsMoveIntoTheKeyringAndTheFileIsErased();
    void refusingKeyringFallsBackToTheFile();
    void slowKeyringIsWaitedForBrieflyThenMergedLate();
    void savesInFlightAreQueuedNotRaced();
    void secretsAreNeverLogged();
    void flushWaitsForTheKeyringThenUsesTheFile();
    void noSessionBusFailsFastToTheFile();
    void realKeyringOnAPrivateSession();
    void cleanupTestCase();

private:
    std::unique_ptr<SecretKeeper> keeper(std::shared_ptr<FakeKeyring::Shelf> shelf)
    {
        return std::make_unique<SecretKeeper>(m_dir->path(),
                                              shelf ? std::make_unique<FakeKeyring>(shelf) : nullptr);
    }
    [[nodiscard]] bool writeFile(const QStringList &secrets)
    {
        SecretStore file(m_dir->path());
        MM_HELPER_VERIFY(file.setTexts(secrets));
        MM_HELPER_VERIFY(file.save());
        return true;
    }

    QTemporaryDir m_home;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::vector<std::unique_ptr<QProcess>> m_daemons; // the real keyring test's bus and keyring
    QTemporaryDir m_keyringHome; // their home
};

void TestSecretKeeper::initTestCase()
{
    // The default keeper's folder, away from the real one.
    QVERIFY(m_home.isValid());
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_home.filePath(QStringLiteral("config"))));
    qunsetenv(SecretKeeper::BackendEnv);
}

void TestSecretKeeper::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestSecretKeeper::fileForcedByTheEnvironment()
{
    QVERIFY(!SecretKeeper::fileForced());
    qputenv(SecretKeeper::BackendEnv, "file");
    QVERIFY(SecretKeeper::fileForced());
    SecretKeeper forced; // the app's own, which would otherwise ask the keyring
    qunsetenv(SecretKeeper::BackendEnv);
    QCOMPARE(QFileInfo(forced.filePath()).dir().path(),
             QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation));
    QVERIFY(forced.load());
    QCOMPARE(forced.where(), SecretKeeper::Where::File);
    QVERIFY2(forced.warning().contains(QLatin1String("MM_SECRET_BACKEND=file")),
             qPrintable(forced.warning()));
    QVERIFY(forced.store().add(A));
    bool saved = false;
    forced.save([&saved](bool ok, const QString &) { saved = ok; });
    QVERIFY(saved); // the file is written at once
    QCOMPARE(modeOf(forced.filePath()), 0600);
}

void TestSecretKeeper::noKeyringMeansTheFileWithAWarning()
{
    auto shelf = std::make_shared<FakeKeyring::Shelf>();
    shelf->available = false;
    QVERIFY(writeFile({A}));
    auto k = keeper(shelf);
    QString error;
    QVERIFY2(k->load(2000, &error), qPrintable(error));
    QCOMPARE(k->where(), SecretKeeper::Where::File);
    QCOMPARE(k->store().texts(), QStringList {A});
    QVERIFY2(k->warning().startsWith(QLatin1String("No keyring found")), qPrintable(k->warning()));
    QVERIFY(k->warning().contains(QLatin1String("readable only by you")));
    QVERIFY(k->warning().contains(k->filePath()));
    QVERIFY(k->store().add(B));
    bool saved = false;
    k->save([&saved](bool ok, const QString &) { saved = ok; });
    QVERIFY(saved);
    QCOMPARE(shelf->writes, 0);
    SecretStore reread(m_dir->path());
    QVERIFY(reread.load());
    QCOMPARE(reread.texts(), (QStringList {A, B}));
    QCOMPARE(modeOf(k->filePath()), 0600);
}

void TestSecretKeeper::secretsGoToTheKeyringNotTheFile()
{
    auto shelf = std::make_shared<FakeKeyring::Shelf>();
    auto k = keeper(shelf);
    QSignalSpy moved(k.get(), &SecretKeeper::whereChanged);
    QVERIFY(k->load());
    QCOMPARE(k->where(), SecretKeeper::Where::Keyring);
    QVERIFY(k->warning().isEmpty());
    QVERIFY(k->store().isEmpty());
    QVERIFY(k->store().setTexts({A, B}));
    int done = 0;
    k->save([&done](bool ok, const QString &) { done += ok ? 1 : 100; });
    QCOMPARE(done, 0); // asynchronous
    QTRY_COMPARE(done, 1);
    QCOMPARE(shelf->text.value_or(QString()), A + u'\n' + B + u'\n');
    QVERIFY(!QFile::exists(k->filePath()));

    auto again = keeper(shelf);
    QVERIFY(again->load());
    QCOMPARE(again->store().texts(), (QStringList {A, B}));
}

void TestSecretKeeper::fileSecretsMoveIntoTheKeyringAndTheFileIsErased()
{
    auto shelf = std::make_shared<FakeKeyring::Shelf>();
    shelf->text = C + u'\n';
    QVERIFY(writeFile({A, B, C}));
    auto k = keeper(shelf);
    QVERIFY(k->load());
    QCOMPARE(k->where(), SecretKeeper::Where::Keyring);
    QCOMPARE(k->store().texts(), (QStringList {C, A, B})); // the keyring's first, nothing twice
    QTRY_VERIFY(!QFile::exists(k->filePath()));
    QCOMPARE(shelf->text.value_or(QString()), C + u'\n' + A + u'\n' + B + u'\n');
    QCOMPARE(QDir(m_dir->path()).entryList(QDir::Files | QDir::Hidden), QStringList()); // no copy left
}

void TestSecretKeeper::refusingKeyringFallsBackToTheFile()
{
    auto shelf = std::make_shared<FakeKeyring::Shelf>();
    shelf->refuseWrites = true; // reads work, writes do not (a locked collection)
    auto k = keeper(shelf);
    QVERIFY(k->load());
    QCOMPARE(k->where(), SecretKeeper::Where::Keyring);
    QSignalSpy moved(k.get(), &SecretKeeper::whereChanged);
    QVERIFY(k->store().add(A));
    bool ok = false;
    QString error = QStringLiteral("not called");
    k->save([&](bool saved, const QString &why) { ok = saved, error = why; });
    QTRY_VERIFY(error != QLatin1String("not called"));
    QVERIFY2(ok, qPrintable(error));
    QCOMPARE(k->where(), SecretKeeper::Where::File);
    QCOMPARE(moved.size(), 1);
    QVERIFY2(k->warning().contains(QLatin1String("refused")), qPrintable(k->warning()));
    SecretStore reread(m_dir->path());
    QVERIFY(reread.load());
    QCOMPARE(reread.texts(), QStringList {A});
    QCOMPARE(modeOf(k->filePath()), 0600);
}

void TestSecretKeeper::slowKeyringIsWaitedForBrieflyThenMergedLate()
{
    auto shelf = std::make_shared<FakeKeyring::Shelf>();
    shelf->holdReads = true;
    shelf->text = B + u'\n';
    QVERIFY(writeFile({A}));
    auto k = keeper(shelf);
    QSignalSpy changed(k.get(), &SecretKeeper::secretsChanged);
    QElapsedTimer clock;
    clock.start();
    QVERIFY(k->load(200));
    QVERIFY(clock.elapsed() >= 200);
    QCOMPARE(k->where(), SecretKeeper::Where::File);
    QVERIFY2(k->warning().contains(QLatin1String("did not answer")), qPrintable(k->warning()));
    QCOMPARE(k->store().texts(), QStringList {A});

    shelf->release(); // the keyring answers at last (the user unlocked it, say)
    QCOMPARE(changed.size(), 1);
    QCOMPARE(k->where(), SecretKeeper::Where::Keyring);
    QVERIFY(k->warning().isEmpty());
    QCOMPARE(k->store().texts(), (QStringList {B, A}));
    QTRY_VERIFY(!QFile::exists(k->filePath()));
    QCOMPARE(shelf->text.value_or(QString()), B + u'\n' + A + u'\n');
}

void TestSecretKeeper::savesInFlightAreQueuedNotRaced()
{
    auto shelf = std::make_shared<FakeKeyring::Shelf>();
    auto k = keeper(shelf);
    QVERIFY(k->load());
    shelf->holdWrites = true;
    QStringList calls;
    QVERIFY(k->store().add(A));
    k->save(
        [&calls](bool ok, const QString &) { calls.append(ok ? QStringLiteral("1") : QStringLiteral("x")); });
    QVERIFY(k->store().add(B));
    k->save(
        [&calls](bool ok, const QString &) { calls.append(ok ? QStringLiteral("2") : QStringLiteral("x")); });
    QVERIFY(k->store().add(C));
    k->save(
        [&calls](bool ok, const QString &) { calls.append(ok ? QStringLiteral("3") : QStringLiteral("x")); });
    QCOMPARE(shelf->held.size(), size_t(1)); // one write at a time
    shelf->release();
    QCOMPARE(calls, QStringList {QStringLiteral("1")});
    QCOMPARE(shelf->held.size(), size_t(1)); // the next write carries both later saves
    shelf->release();
    QCOMPARE(calls, (QStringList {QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("3")}));
    QCOMPARE(shelf->writes, 2);
    QCOMPARE(shelf->text.value_or(QString()), A + u'\n' + B + u'\n' + C + u'\n');
}

void TestSecretKeeper::secretsAreNeverLogged()
{
    LogCapture log;
    auto shelf = std::make_shared<FakeKeyring::Shelf>();
    shelf->refuseWrites = true;
    // Written by hand: SecretStore itself never saves a line it cannot read.
    QFile bad(QDir(m_dir->path()).filePath(QStringLiteral("secrets")));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    QVERIFY(bad.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    bad.write((A + QStringLiteral("\nwhsec_not*valid\n")).toUtf8());
    bad.close();
    auto k = keeper(shelf);
    QString error;
    QVERIFY(!k->load(2000, &error)); // the file has a bad line: reported by number, never by text
    QVERIFY2(error.contains(QLatin1String("Line 2")), qPrintable(error));
    QVERIFY(k->store().setTexts({A, B}));
    bool done = false;
    k->save([&done](bool, const QString &why) {
        qWarning("save: %s", qPrintable(why));
        done = true;
    });
    QTRY_VERIFY(done);
    const QString logged = LogCapture::all() + error + k->warning();
    for (const QString &secret : {A, B, QStringLiteral("whsec_not*valid")}) // the key, not its prefix
        QVERIFY2(!logged.contains(secret.mid(6, 12)), qPrintable(logged));
}

void TestSecretKeeper::flushWaitsForTheKeyringThenUsesTheFile()
{
    auto shelf = std::make_shared<FakeKeyring::Shelf>();
    auto k = keeper(shelf);
    QVERIFY(k->load());
    QVERIFY(!k->isSaving());
    QVERIFY(k->flush(0)); // nothing to wait for
    shelf->holdWrites = true;
    QVERIFY(k->store().add(A));
    bool saved = false;
    k->save([&saved](bool ok, const QString &) { saved = ok; });
    QVERIFY(k->isSaving());
    // Answered from the event loop that flush runs: the keyring has them, no file.
    QTimer::singleShot(0, k.get(), [shelf] { shelf->release(); });
    QVERIFY(k->flush(5000));
    QVERIFY(saved);
    QVERIFY(!k->isSaving());
    QCOMPARE(k->where(), SecretKeeper::Where::Keyring);
    QCOMPARE(shelf->text.value_or(QString()), A + u'\n');
    QVERIFY(!QFile::exists(k->filePath()));

    // A keyring that does not answer in time (an unlock prompt left open at quit, say).
    QVERIFY(k->store().add(B));
    saved = false;
    k->save([&saved](bool ok, const QString &) { saved = ok; });
    QElapsedTimer clock;
    clock.start();
    QVERIFY(k->flush(100));
    QVERIFY(clock.elapsed() >= 100);
    QVERIFY(saved);
    QVERIFY(!k->isSaving());
    QCOMPARE(k->where(), SecretKeeper::Where::File);
    QVERIFY2(k->warning().contains(QLatin1String("did not answer")), qPrintable(k->warning()));
    SecretStore reread(m_dir->path());
    QVERIFY(reread.load());
    QCOMPARE(reread.texts(), (QStringList {A, B}));
    QCOMPARE(modeOf(k->filePath()), 0600);
    const QString warning = k->warning();
    shelf->release(); // the abandoned write's answer changes nothing here
    QCOMPARE(k->where(), SecretKeeper::Where::File);
    QCOMPARE(k->warning(), warning);
    QVERIFY(!k->isSaving());
}

void TestSecretKeeper::noSessionBusFailsFastToTheFile()
{
    // Under ctest and on servers there is often no session bus: the real backend must not wait
    // (or autolaunch a bus through X11) but go to the file at once and say why.
    const QByteArray bus = qgetenv("DBUS_SESSION_BUS_ADDRESS");
    const QByteArray runtime = qgetenv("XDG_RUNTIME_DIR");
    qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    qputenv("XDG_RUNTIME_DIR", QFile::encodeName(m_dir->path())); // holds no "bus" socket
    QVERIFY(writeFile({A}));
    SecretKeeper k(m_dir->path(),
                   std::make_unique<KeychainBackend>(QStringLiteral("migration-monitor-test")));
    QElapsedTimer clock;
    clock.start();
    QString error;
    const bool loaded = k.load(SecretKeeper::StartupWaitMs, &error);
    const qint64 took = clock.elapsed();
    bool saved = false;
    QString saveError = QStringLiteral("not called");
    QVERIFY(k.store().add(B));
    k.save([&](bool ok, const QString &why) { saved = ok, saveError = why; });
    if (bus.isNull())
        qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    else
        qputenv("DBUS_SESSION_BUS_ADDRESS", bus);
    if (runtime.isNull())
        qunsetenv("XDG_RUNTIME_DIR");
    else
        qputenv("XDG_RUNTIME_DIR", runtime);
    QVERIFY2(loaded, qPrintable(error));
    QVERIFY2(took < SecretKeeper::StartupWaitMs / 2, qPrintable(QString::number(took)));
    QCOMPARE(k.where(), SecretKeeper::Where::File);
    QVERIFY2(k.warning().contains(QLatin1String("DBUS_SESSION_BUS_ADDRESS is not set")),
             qPrintable(k.warning()));
    QVERIFY(k.warning().contains(QLatin1String("readable only by you")));
    QVERIFY2(saved, qPrintable(saveError)); // the file, at once
    SecretStore reread(m_dir->path());
    QVERIFY(reread.load());
    QCOMPARE(reread.texts(), (QStringList {A, B}));
    QCOMPARE(modeOf(k.filePath()), 0600);
}

void TestSecretKeeper::realKeyringOnAPrivateSession()
{
    for (const char *tool : {"dbus-daemon", "gnome-keyring-daemon"}) {
        if (QStandardPaths::findExecutable(QString::fromLatin1(tool)).isEmpty()) {
            const QByteArray why = QByteArray(tool) + " is not installed (scripts/bootstrap.sh installs it)";
            if (qEnvironmentVariableIsSet("CI"))
                QFAIL(why.constData());
            QSKIP(why.constData());
        }
    }
    // QtKeychain reaches the Secret Service through libsecret, which it loads at run time.
    if (!QLibrary(QStringLiteral("secret-1"), 0).load()) {
        const char *why = "libsecret-1.so.0 is not installed (gnome-keyring brings it)";
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL(why);
        QSKIP(why);
    }
    // A private session bus and an unlocked gnome-keyring on it, in a throw-away home that
    // outlives them (cleanupTestCase stops them).
    QTemporaryDir &home = m_keyringHome;
    QVERIFY(home.isValid());
    for (const char *dir : {"data", "runtime"})
        QVERIFY(QDir(home.path()).mkpath(QString::fromLatin1(dir)));
    QVERIFY(QFile::setPermissions(home.filePath(QStringLiteral("runtime")),
                                  QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), home.path());
    env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), home.filePath(QStringLiteral("runtime")));
    auto bus = std::make_unique<QProcess>();
    bus->setProcessEnvironment(env);
    bus->start(QStringLiteral("dbus-daemon"),
               {QStringLiteral("--session"), QStringLiteral("--print-address"), QStringLiteral("--nofork")});
    QByteArray address;
    QTRY_VERIFY_WITH_TIMEOUT((address += bus->readAllStandardOutput(), address.contains('\n')), 15000);
    m_daemons.push_back(std::move(bus));
    address = address.trimmed();
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), QString::fromLatin1(address));
    auto keyring = std::make_unique<QProcess>();
    keyring->setProcessEnvironment(env);
    keyring->start(
        QStringLiteral("gnome-keyring-daemon"),
        {QStringLiteral("--foreground"), QStringLiteral("--unlock"), QStringLiteral("--components=secrets")});
    QVERIFY(keyring->waitForStarted(10000));
    keyring->write("test-keyring-password");
    keyring->closeWriteChannel();
    m_daemons.push_back(std::move(keyring));
    {
        QDBusConnection probe
            = QDBusConnection::connectToBus(QString::fromLatin1(address), QStringLiteral("probe"));
        QVERIFY(probe.isConnected());
        QTRY_VERIFY_WITH_TIMEOUT(
            probe.interface()->isServiceRegistered(QStringLiteral("org.freedesktop.secrets")), 15000);
    }
    QDBusConnection::disconnectFromBus(QStringLiteral("probe"));
    // Nothing in this process has used the session bus yet, so QtKeychain connects to this one.
    qputenv("DBUS_SESSION_BUS_ADDRESS", address);

    const QString service = QStringLiteral("migration-monitor-test-%1").arg(::getpid());
    auto real = [&] {
        return std::make_unique<SecretKeeper>(m_dir->path(), std::make_unique<KeychainBackend>(service));
    };
    QVERIFY(writeFile({A, B}));
    auto k = real();
    QString error;
    QVERIFY2(k->load(10000, &error), qPrintable(error));
    QVERIFY2(k->where() == SecretKeeper::Where::Keyring, qPrintable(k->warning()));
    QCOMPARE(k->store().texts(), (QStringList {A, B}));
    QTRY_VERIFY_WITH_TIMEOUT(!QFile::exists(k->filePath()), 10000); // moved, and the file erased

    auto second = real();
    QVERIFY(second->load(10000));
    QCOMPARE(second->where(), SecretKeeper::Where::Keyring);
    QCOMPARE(second->store().texts(), (QStringList {A, B}));
    second->store().remove(0);
    QVERIFY(second->store().add(C));
    bool saved = false;
    second->save(
        [&saved](bool ok, const QString &why) { saved = ok || (qWarning("%s", qPrintable(why)), false); });
    QTRY_VERIFY_WITH_TIMEOUT(saved, 10000);
    QVERIFY(!QFile::exists(second->filePath()));

    auto third = real();
    QVERIFY(third->load(10000));
    QCOMPARE(third->store().texts(), (QStringList {B, C}));
}

void TestSecretKeeper::cleanupTestCase()
{
    while (!m_daemons.empty()) {
        QProcess *p = m_daemons.back().get();
        if (p->state() != QProcess::NotRunning) {
            p->terminate();
            if (!p->waitForFinished(5000))
                p->kill();
            p->waitForFinished(5000);
        }
        m_daemons.pop_back();
    }
}

QTEST_GUILESS_MAIN(TestSecretKeeper)
#include "tst_secretkeeper.moc"
