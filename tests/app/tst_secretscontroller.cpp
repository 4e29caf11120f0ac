// SPDX-License-Identifier: GPL-3.0-or-later
// app/secretscontroller: one save for the endpoint's signing secrets and the forwarding secret,
// to the keyring (a fake one here) through SecretKeeper, else the 0600 file.
#include "fakekeyring.h"
#include "secretscontroller.h"
#include "testsecret.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>

using namespace mm;
using mm::test::modeOf;
using mm::test::secretFor;

namespace {
const QString A = secretFor("first-endpoint-key-bytes");
const QString B = secretFor("second-endpoint-key-byte");
const QString F = secretFor("the-forwarding-key-byte!");

using Kind = SecretsController::Kind;
} // namespace

class TestSecretsController : public QObject
{
    Q_OBJECT

private:
    // A controller over keepers in folder (and its "forward" folder), with these keyrings
    // (null: the file only).
    std::unique_ptr<SecretsController> controller(const QString &folder,
                                                  std::shared_ptr<FakeKeyring::Shelf> endpointShelf,
                                                  std::shared_ptr<FakeKeyring::Shelf> forwardShelf)
    {
        auto keyring
            = [](const std::shared_ptr<FakeKeyring::Shelf> &shelf) -> std::unique_ptr<SecretBackend> {
            return shelf ? std::make_unique<FakeKeyring>(shelf) : nullptr;
        };
        auto endpoint = std::make_unique<SecretKeeper>(folder, keyring(endpointShelf));
        auto forwarding = std::make_unique<SecretKeeper>(QDir(folder).filePath(QStringLiteral("forward")),
                                                         keyring(forwardShelf));
        m_endpointFile = endpoint->filePath();
        m_forwardFile = forwarding->filePath();
        return std::make_unique<SecretsController>(std::move(endpoint), std::move(forwarding));
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_endpointFile;
    QString m_forwardFile;

private Q_SLOTS:
    void initTestCase() { qunsetenv(SecretKeeper::BackendEnv); }
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }

    void bothKindsGoToTheKeyring()
    {
        auto endpointShelf = std::make_shared<FakeKeyring::Shelf>();
        auto forwardShelf = std::make_shared<FakeKeyring::Shelf>();
        auto c = controller(m_dir->path(), endpointShelf, forwardShelf);
        QCOMPARE(c->load(), QString());
        QVERIFY(c->secrets(Kind::Endpoint).isEmpty());
        QVERIFY(c->needsSave(Kind::Endpoint, {A, B}));
        QSignalSpy answered(c.get(), &SecretsController::whereChanged);
        QSignalSpy failed(c.get(), &SecretsController::saveFailed);
        QCOMPARE(c->save(Kind::Endpoint, {A, B}), QString());
        QCOMPARE(c->save(Kind::Forwarding, {F}), QString());
        // In use at once, saved when the keyring answers.
        QCOMPARE(c->secrets(Kind::Endpoint), (QStringList {A, B}));
        QCOMPARE(c->endpointSecrets().size(), 2);
        QCOMPARE(c->secrets(Kind::Forwarding), QStringList {F});
        QVERIFY(!c->needsSave(Kind::Endpoint, {A, B}));
        while (endpointShelf->writes == 0 || forwardShelf->writes == 0)
            QVERIFY(answered.wait());
        QVERIFY(endpointShelf->text && endpointShelf->text->contains(A) && endpointShelf->text->contains(B));
        QVERIFY(!endpointShelf->text->contains(F));
        QVERIFY(forwardShelf->text && forwardShelf->text->contains(F));
        QVERIFY(!forwardShelf->text->contains(A));
        QVERIFY(!QFile::exists(m_endpointFile));
        QVERIFY(!QFile::exists(m_forwardFile));
        QVERIFY(c->warning().isEmpty());
        QVERIFY(!c->inFileUnasked());
        QVERIFY(failed.isEmpty());
    }

    void withoutAKeyringTheFileAtOnce()
    {
        auto c = controller(m_dir->path(), nullptr, nullptr);
        QCOMPARE(c->load(), QString());
        QCOMPARE(c->save(Kind::Endpoint, {A}), QString());
        QCOMPARE(c->save(Kind::Forwarding, {F}), QString());
        QCOMPARE(modeOf(m_endpointFile), 0600);
        QCOMPARE(modeOf(m_forwardFile), 0600);
        QVERIFY(!c->warning().isEmpty());
        QVERIFY(c->inFileUnasked());
        // Read back by a new controller over the same files.
        auto again = controller(m_dir->path(), nullptr, nullptr);
        QCOMPARE(again->load(), QString());
        QCOMPARE(again->secrets(Kind::Endpoint), QStringList {A});
        QCOMPARE(again->secrets(Kind::Forwarding), QStringList {F});
    }

    void unsavableNowIsSaidNowAndTriedAgain()
    {
        // A folder that cannot be made: a file is in the way.
        const QString blocked = m_dir->filePath(QStringLiteral("blocked"));
        QFile file(blocked);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        auto c = controller(blocked + QStringLiteral("/secrets"), nullptr, nullptr);
        QCOMPARE(c->load(), QString());
        QVERIFY(!c->save(Kind::Endpoint, {A}).isEmpty());
        QCOMPARE(c->secrets(Kind::Endpoint), QStringList {A}); // used for this run
        QVERIFY(c->needsSave(Kind::Endpoint, {A})); // the next apply tries again
        QVERIFY(!c->save(Kind::Forwarding, {F}).isEmpty());
    }

    void refusedLaterIsASignal()
    {
        const QString blocked = m_dir->filePath(QStringLiteral("blocked"));
        QFile file(blocked);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        auto shelf = std::make_shared<FakeKeyring::Shelf>();
        shelf->refuseWrites = true;
        auto c = controller(blocked + QStringLiteral("/secrets"), shelf, nullptr);
        QCOMPARE(c->load(), QString());
        QSignalSpy failed(c.get(), &SecretsController::saveFailed);
        QCOMPARE(c->save(Kind::Endpoint, {A}), QString()); // the keyring answers later
        QVERIFY(failed.wait());
        QCOMPARE(failed.first().at(0).value<Kind>(), Kind::Endpoint);
        QVERIFY(!failed.first().at(1).toString().isEmpty());
        QVERIFY(!failed.first().at(1).toString().contains(A));
        QVERIFY(c->needsSave(Kind::Endpoint, {A}));
    }

    void addingOneSecret()
    {
        auto c = controller(m_dir->path(), nullptr, nullptr);
        QCOMPARE(c->load(), QString());
        QCOMPARE(c->addEndpointSecret(A), QString());
        QCOMPARE(c->secrets(Kind::Endpoint), QStringList {A});
        QVERIFY(!c->addEndpointSecret(A).isEmpty()); // already there
        QVERIFY(!c->addEndpointSecret(QStringLiteral("whsec_%%%")).isEmpty());
        QCOMPARE(c->secrets(Kind::Endpoint), QStringList {A});
        auto again = controller(m_dir->path(), nullptr, nullptr);
        QCOMPARE(again->load(), QString());
        QCOMPARE(again->secrets(Kind::Endpoint), QStringList {A});
    }

    void secretNotSavedIsNotKept()
    {
        const QString blocked = m_dir->filePath(QStringLiteral("blocked"));
        QFile file(blocked);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        auto c = controller(blocked + QStringLiteral("/secrets"), nullptr, nullptr);
        QCOMPARE(c->load(), QString());
        QVERIFY(!c->addEndpointSecret(A).isEmpty());
        QVERIFY(c->secrets(Kind::Endpoint).isEmpty());
        QVERIFY(!c->needsSave(Kind::Endpoint, {})); // what is saved is what is used
    }

    void unreadableSecretsAreSetAsideNotOverwritten()
    {
        {
            QVERIFY(QDir().mkpath(m_dir->path()));
            auto probe = controller(m_dir->path(), nullptr, nullptr); // for the file's name
        }
        QFile garbage(m_endpointFile);
        QVERIFY(garbage.open(QIODevice::WriteOnly));
        garbage.write("not a secret at all\n");
        garbage.close();
        auto c = controller(m_dir->path(), nullptr, nullptr);
        const QString problem = c->load();
        QVERIFY2(problem.contains(QLatin1String("could not be read")), qPrintable(problem));
        QVERIFY(c->endpointUnreadable());
        QCOMPARE(c->save(Kind::Endpoint, {A}), QString());
        QVERIFY(!c->endpointUnreadable());
        const QStringList aside
            = QDir(QFileInfo(m_endpointFile).path())
                  .entryList({QFileInfo(m_endpointFile).fileName() + QStringLiteral(".unreadable-*")});
        QCOMPARE(aside.size(), 1);
        QFile kept(QFileInfo(m_endpointFile).dir().filePath(aside.first()));
        QVERIFY(kept.open(QIODevice::ReadOnly));
        QCOMPARE(kept.readAll(), QByteArray("not a secret at all\n"));
    }

    void keyringAnsweringLateBringsItsSecrets()
    {
        auto shelf = std::make_shared<FakeKeyring::Shelf>();
        shelf->text = A;
        shelf->holdReads = true;
        auto c = controller(m_dir->path(), shelf, nullptr);
        QSignalSpy arrived(c.get(), &SecretsController::endpointSecretsArrived);
        QCOMPARE(c->load(0), QString());
        QVERIFY(c->secrets(Kind::Endpoint).isEmpty());
        shelf->release();
        QCOMPARE(arrived.size(), 1);
        QCOMPARE(c->secrets(Kind::Endpoint), QStringList {A});
    }
};

QTEST_GUILESS_MAIN(TestSecretsController)
#include "tst_secretscontroller.moc"
