// SPDX-License-Identifier: GPL-3.0-or-later
// CompanyNamesCsv (core/store/companynamescsv.*): RFC 4180 quoting both ways, and every bad row
// named by the line it starts on, with nothing of the file returned.
#include "store/companynamescsv.h"

#include <QTest>

using namespace mm;
using Rows = QList<CompanyName>;

Q_DECLARE_METATYPE(Rows)

namespace {
CompanyName n(const char *id, const char *name)
{
    return CompanyName {QString::fromUtf8(id), QString::fromUtf8(name)};
}
CompanyName n(const char *id, const QString &name)
{
    return CompanyName {QString::fromUtf8(id), name};
}
} // namespace

class TestCompanyNamesCsv final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesGoodFiles_data()
    {
        QTest::addColumn<QByteArray>("csv");
        QTest::addColumn<Rows>("rows");
        QTest::addRow("plain") << QByteArray("company_id,name\nc1,Acme\nc2,Globex\n")
                               << Rows {n("c1", "Acme"), n("c2", "Globex")};
        QTest::addRow("crlf, no final line end") << QByteArray("company_id,name\r\nc1,Acme\r\nc2,Globex")
                                                 << Rows {n("c1", "Acme"), n("c2", "Globex")};
        QTest::addRow("bom and header case") << QByteArray("\xEF\xBB\xBF"
                                                           "Company_ID , Name\nc1,Acme\n")
                                             << Rows {n("c1", "Acme")};
        QTest::addRow("quoted comma")
            << QByteArray("company_id,name\nc1,\"Acme, Inc.\"\n") << Rows {n("c1", "Acme, Inc.")};
        QTest::addRow("doubled quote") << QByteArray("company_id,name\nc1,\"The \"\"Best\"\" Co\"\n")
                                       << Rows {n("c1", "The \"Best\" Co")};
        QTest::addRow("line break in quotes becomes a space")
            << QByteArray("company_id,name\nc1,\"Acme\r\nEurope\"\nc2,B\n")
            << Rows {n("c1", "Acme Europe"), n("c2", "B")};
        QTest::addRow("empty name removes")
            << QByteArray("company_id,name\nc1,\nc2,\"\"\n") << Rows {n("c1", ""), n("c2", "")};
        QTest::addRow("blank lines skipped")
            << QByteArray("company_id,name\n\nc1,Acme\n\n") << Rows {n("c1", "Acme")};
        QTest::addRow("header only") << QByteArray("company_id,name\n") << Rows {};
        QTest::addRow("utf-8 name") << QByteArray("company_id,name\nc1,Société Générale\n")
                                    << Rows {n("c1", QStringLiteral("Société Générale"))};
    }
    void parsesGoodFiles()
    {
        QFETCH(QByteArray, csv);
        QFETCH(Rows, rows);
        const CompanyNamesCsv::Parsed parsed = CompanyNamesCsv::parse(csv);
        QVERIFY2(parsed.ok(), qPrintable(parsed.error));
        QCOMPARE(parsed.rows, rows);
    }

    void namesTheBadLine_data()
    {
        QTest::addColumn<QByteArray>("csv");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("says");
        QTest::addRow("empty file") << QByteArray("") << 1 << QStringLiteral("header");
        QTest::addRow("no header") << QByteArray("c1,Acme\n") << 1 << QStringLiteral("header");
        QTest::addRow("three fields")
            << QByteArray("company_id,name\nc1,Acme\nc2,Acme, Inc.\n") << 3 << QStringLiteral("found 3");
        QTest::addRow("one field") << QByteArray("company_id,name\nc1,A\nc2\n") << 3
                                   << QStringLiteral("found 1");
        QTest::addRow("unclosed quote")
            << QByteArray("company_id,name\nc1,A\nc2,\"Acme\nc3,B\n") << 3 << QStringLiteral("not closed");
        QTest::addRow("text after quote")
            << QByteArray("company_id,name\nc1,\"Acme\"x\n") << 2 << QStringLiteral("closing quote");
        QTest::addRow("stray quote") << QByteArray("company_id,name\nc1,Ac\"me\n") << 2
                                     << QStringLiteral("quote inside");
        QTest::addRow("empty id") << QByteArray("company_id,name\n,Acme\n") << 2 << QStringLiteral("empty");
        QTest::addRow("duplicate") << QByteArray("company_id,name\nc1,A\nc2,B\nc1,C\n") << 4
                                   << QStringLiteral("first on line 2");
        QTest::addRow("after a multi-line field")
            << QByteArray("company_id,name\nc1,\"A\nB\"\nc2,x,y\n") << 4 << QStringLiteral("found 3");
        QTest::addRow("not utf-8") << QByteArray("company_id,name\nc1,\xff\xfe\n") << 1
                                   << QStringLiteral("UTF-8");
        QTest::addRow("too long") << QByteArray("company_id,name\nc1," + QByteArray(201, 'a') + "\n") << 2
                                  << QStringLiteral("longer");
    }
    void namesTheBadLine()
    {
        QFETCH(QByteArray, csv);
        QFETCH(int, line);
        QFETCH(QString, says);
        const CompanyNamesCsv::Parsed parsed = CompanyNamesCsv::parse(csv);
        QVERIFY(!parsed.ok());
        QCOMPARE(parsed.errorLine, line);
        QVERIFY2(parsed.error.startsWith(QStringLiteral("line %1: ").arg(line)), qPrintable(parsed.error));
        QVERIFY2(parsed.error.contains(says), qPrintable(parsed.error));
        QVERIFY(parsed.rows.isEmpty()); // nothing half-applied
    }

    void writesAndReadsBack()
    {
        const Rows rows {n("c1", "Acme"), n("c2", "Acme, Inc."), n("c3", "The \"Best\" Co"),
                         n("c4", QStringLiteral("Société Générale")), n("c5", "")};
        const QByteArray csv = CompanyNamesCsv::write(rows);
        QCOMPARE(
            csv,
            QByteArray("company_id,name\r\nc1,Acme\r\nc2,\"Acme, Inc.\"\r\nc3,\"The \"\"Best\"\" Co\"\r\n"
                       "c4,Soci\xC3\xA9t\xC3\xA9 G\xC3\xA9n\xC3\xA9rale\r\nc5,\r\n"));
        const CompanyNamesCsv::Parsed back = CompanyNamesCsv::parse(csv);
        QVERIFY2(back.ok(), qPrintable(back.error));
        QCOMPARE(back.rows, rows);
    }

    void quotesLineBreaksWhenWriting()
    {
        // Names from the store are one line, but a field with a line break must stay one field.
        const QByteArray csv = CompanyNamesCsv::write({n("c1", "A\nB")});
        QCOMPARE(csv, QByteArray("company_id,name\r\nc1,\"A\nB\"\r\n"));
        QCOMPARE(CompanyNamesCsv::parse(csv).rows, (Rows {n("c1", "A B")}));
    }
};

QTEST_GUILESS_MAIN(TestCompanyNamesCsv)
#include "tst_companynamescsv.moc"
