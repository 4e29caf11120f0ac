// SPDX-License-Identifier: GPL-3.0-or-later
// A full disk, end to end: the real `migration-monitor --headless` keeps its store on a 4 MiB
// tmpfs and is fed signed 16 KiB deliveries until the disk is full. Deliveries must then be
// refused with 503 and Retry-After (never acknowledged and lost), the app must say "storage
// full" once, survive its checkpointer failing, and accept deliveries again by itself once
// space returns, first when a file is deleted, then when the tmpfs grows. Every delivery that
// got a 2xx must be in the store afterwards, and the store must pass SQLite's integrity check.
// Needs root (mount); skipped with the reason otherwise.
#include "headlessprocess.h"
#include "testhttp.h"
#include "testsecret.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <unistd.h>

using namespace mm;
using namespace mm::test;

namespace {
constexpr int BodyBytes = 16 * 1024;
constexpr int MaxDeliveries = 1000; // 4 MiB holds far fewer: a bound, not an expectation

QByteArray body(int n)
{
    const QByteArray id = QByteArray::number(n);
    QByteArray b = R"({"id":"evt_full_)" + id
        + R"(","object":"event","type":"migration_task.failed","data":{"migration_id":"mig_full","pad":")";
    b += QByteArray(BodyBytes - b.size() - 4, char('a' + n % 26));
    return b + "\"}}";
}

bool run(const QString &program, const QStringList &args, QString *output)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    const bool ok = p.waitForFinished(30000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    *output = QString::fromLocal8Bit(p.readAll()).trimmed();
    return ok;
}
} // namespace

class TestDiskFull : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void fullDiskRefusesThenRecovers();
    void cleanupTestCase();

private:
    // One signed delivery on the shared connection (re-opened if the app closed it).
    HttpResponse deliver(int n);
    QString stderrText() { return m_app ? m_app->log() : QString(); }
    int count(const QString &text) { return int(stderrText().count(text)); }

    QTemporaryDir m_mount;
    bool m_mounted = false;
    std::unique_ptr<HeadlessProcess> m_app;
    quint16 m_port = 0;
    std::unique_ptr<RawClient> m_client;
    SigningSecret m_secret = *SigningSecret::parse(TestSecretText);
};

void TestDiskFull::initTestCase()
{
    if (::geteuid() != 0)
        QSKIP("mounting a tmpfs needs root; run as root (CI does) to test a full disk");
    QVERIFY(m_mount.isValid());
    QString out;
    if (!run(QStringLiteral("mount"),
             {QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"),
              QStringLiteral("size=4m,mode=0700"), QStringLiteral("tmpfs"), m_mount.path()},
             &out))
        QSKIP(qPrintable(
            QStringLiteral("cannot mount a tmpfs here (%1), so a full disk cannot be made").arg(out)));
    m_mounted = true;
}

void TestDiskFull::cleanupTestCase()
{
    m_client.reset();
    m_app.reset(); // killed if still running
    if (m_mounted) {
        QString out;
        if (!run(QStringLiteral("umount"), {m_mount.path()}, &out))
            run(QStringLiteral("umount"), {QStringLiteral("-l"), m_mount.path()}, &out);
    }
}

HttpResponse TestDiskFull::deliver(int n)
{
    if (!m_client || !m_client->connected())
        m_client = std::make_unique<RawClient>(m_port, 10000);
    const QByteArray id = "msg_full_" + QByteArray::number(n);
    return m_client->roundTrip(signedRequest(m_secret, id, body(n)));
}

void TestDiskFull::fullDiskRefusesThenRecovers()
{
    // Space to give back later: a file the store does not know about.
    const QString filler = m_mount.filePath(QStringLiteral("filler"));
    {
        QFile f(filler);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QCOMPARE(f.write(QByteArray(1536 * 1024, 'f')), 1536 * 1024);
    }
    const QString dataDir = m_mount.filePath(QStringLiteral("data"));
    m_app = std::make_unique<HeadlessProcess>(HeadlessProcess::Options {dataDir});
    m_port = m_app->start();
    QVERIFY2(m_port, qPrintable(stderrText()));

    // Fill the disk until deliveries are refused.
    QSet<QByteArray> acknowledged;
    int n = 0;
    HttpResponse refused;
    for (; n < MaxDeliveries && refused.status == 0; ++n) {
        const HttpResponse r = deliver(n);
        if (r.status == 200)
            acknowledged.insert("msg_full_" + QByteArray::number(n));
        else
            refused = r;
    }
    QVERIFY2(refused.status != 0, "the disk never filled");
    QVERIFY2(acknowledged.size() > 20, qPrintable(QString::number(acknowledged.size())));
    QCOMPARE(refused.status, 503);
    QVERIFY(!refused.header("Retry-After").isEmpty());
    QVERIFY2(refused.body.contains("disk is full"), refused.body.constData());
    // The sender retries; refused again, still nothing half-stored, and said only once.
    for (int i = 0; i < 5; ++i)
        QCOMPARE(deliver(n++).status, 503);
    QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("storage full:")), 1, 10000);
    QVERIFY2(stderrText().contains(QStringLiteral("database or disk is full")),
             qPrintable(stderrText().right(2000)));
    QTRY_VERIFY2_WITH_TIMEOUT(stderrText().contains(QStringLiteral(" 503 store_full msg_full_")),
                              qPrintable(stderrText().right(2000)), 10000);
    // The checkpointer cannot copy the WAL into a file that cannot grow; the app carries on.
    QTRY_VERIFY2_WITH_TIMEOUT(stderrText().contains(QStringLiteral("store: checkpoint failed")),
                              qPrintable(stderrText().right(2000)), 10000);
    QVERIFY(m_app->running());
    QCOMPARE(deliver(n++).status, 503);
    QCOMPARE(count(QStringLiteral("storage full:")), 1);

    // Space comes back: the next deliveries are accepted, without a restart.
    QVERIFY(QFile::remove(filler));
    int accepted = 0;
    QElapsedTimer clock;
    clock.start();
    while (accepted == 0 && clock.elapsed() < 15000) {
        const HttpResponse r = deliver(n);
        if (r.status == 200) {
            acknowledged.insert("msg_full_" + QByteArray::number(n));
            ++accepted;
        } else {
            QCOMPARE(r.status, 503);
            QTest::qWait(100); // the sender's retry interval, much shortened
        }
        ++n;
    }
    QVERIFY2(accepted == 1, qPrintable(stderrText().right(2000)));
    QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("storage writable again")), 1, 10000);
    for (int i = 0; i < 10; ++i, ++n) {
        const HttpResponse r = deliver(n);
        QCOMPARE(r.status, 200);
        acknowledged.insert("msg_full_" + QByteArray::number(n));
    }

    // More room still (the tmpfs grows): fill past the old size with no refusal.
    QString mountOut;
    QVERIFY2(run(QStringLiteral("mount"),
                 {QStringLiteral("-o"), QStringLiteral("remount,size=64m"), m_mount.path()}, &mountOut),
             qPrintable(mountOut));
    for (int i = 0; i < 300; ++i, ++n) {
        const HttpResponse r = deliver(n);
        QCOMPARE(r.status, 200);
        acknowledged.insert("msg_full_" + QByteArray::number(n));
    }
    QTRY_VERIFY_WITH_TIMEOUT(stderrText().contains(QStringLiteral("store: checkpoints work again")), 10000);
    QCOMPARE(count(QStringLiteral("storage full:")), 1);

    m_client.reset();
    QCOMPARE(m_app->terminate(), 0); // SIGTERM: a normal exit with code 0

    // Nothing acknowledged is lost, nothing refused was stored, and the file is sound.
    QProcess exporter;
    exporter.start(QStringLiteral(MM_APP_PATH),
                   {QStringLiteral("--data-dir"), dataDir, QStringLiteral("--export"), QStringLiteral("-")});
    QVERIFY(exporter.waitForFinished(60000));
    QCOMPARE(exporter.exitCode(), 0);
    QSet<QByteArray> stored;
    for (const QByteArray &line : exporter.readAllStandardOutput().split('\n')) {
        if (!line.isEmpty())
            stored.insert(
                QJsonDocument::fromJson(line).object().value(QLatin1String("msg_id")).toString().toLatin1());
    }
    const QSet<QByteArray> lost = acknowledged - stored;
    QVERIFY2(lost.isEmpty(), qPrintable(QStringLiteral("%1 acknowledged deliveries lost").arg(lost.size())));
    QCOMPARE(stored.size(), acknowledged.size());
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
        db.setDatabaseName(QDir(dataDir).filePath(QStringLiteral("monitor.sqlite3")));
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("PRAGMA integrity_check")) && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("ok"));
    }
    QSqlDatabase::removeDatabase(QStringLiteral("check"));
}

QTEST_GUILESS_MAIN(TestDiskFull)
#include "tst_diskfull.moc"
