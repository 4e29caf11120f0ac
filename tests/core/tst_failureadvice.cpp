// SPDX-License-Identifier: GPL-3.0-or-later
// Tests core/model/failureadvice: which event types read as a failure (for the alert rule that
// keeps new failure types from going unnoticed), and the vendor's advice after a task failure.
#include "model/failureadvice.h"

#include <QTest>

using namespace mm;

class TestFailureAdvice : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void failureTypes_data();
    void failureTypes();
    void adviceNamesTheTask();
};

void TestFailureAdvice::failureTypes_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<bool>("failure");
    QTest::addRow("migration.failed") << QStringLiteral("migration.failed") << true;
    QTest::addRow("migration_task.failed") << QStringLiteral("migration_task.failed") << true;
    QTest::addRow("a login rejection") << QStringLiteral("migration.login_rejected") << true;
    QTest::addRow("rejected") << QStringLiteral("login.rejected") << true;
    QTest::addRow("a new failure type") << QStringLiteral("migration_export.upload_failed") << true;
    QTest::addRow("upper case") << QStringLiteral("Migration.FAILED") << true;
    QTest::addRow("no dot") << QStringLiteral("failed") << true;
    QTest::addRow("completed") << QStringLiteral("migration.completed") << false;
    QTest::addRow("ping") << QStringLiteral("svix.ping") << false;
    QTest::addRow("failed, not last") << QStringLiteral("migration.failed.retried") << false;
    QTest::addRow("only ends like one") << QStringLiteral("migration.unfailed") << false;
    QTest::addRow("rejected in a word") << QStringLiteral("migration.notrejected") << false;
    QTest::addRow("empty") << QString() << false;
}

void TestFailureAdvice::failureTypes()
{
    QFETCH(QString, type);
    QFETCH(bool, failure);
    QCOMPARE(isFailureType(type), failure);
}

void TestFailureAdvice::adviceNamesTheTask()
{
    QCOMPARE(partialExtractionAdvice(QStringLiteral("tsk_01HX")),
             QStringLiteral("Files may still be available for task tsk_01HX: poll Anon's files API for its "
                            "partial extractions."));
    QCOMPARE(partialExtractionAdvice(QString()),
             QStringLiteral("Files may still be available for this task: poll Anon's files API for its "
                            "partial extractions."));
}

QTEST_GUILESS_MAIN(TestFailureAdvice)
#include "tst_failureadvice.moc"
