// SPDX-License-Identifier: GPL-3.0-or-later
// ui/statusbar/sparkline.*: values are painted inside the widget, nothing is painted
// without them, and the tooltip gives the current rate and the peak.
#include "statusbar/sparkline.h"

#include <QImage>
#include <QLocale>
#include <QTest>

using namespace mm;

namespace {
// Pixels that differ between two grabs of the same size.
int differingPixels(const QImage &a, const QImage &b)
{
    int n = 0;
    for (int y = 0; y < a.height(); ++y) {
        for (int x = 0; x < a.width(); ++x) {
            if (a.pixel(x, y) != b.pixel(x, y))
                ++n;
        }
    }
    return n;
}
} // namespace

class TestSparkline : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void paintsValues_data();
    void paintsValues();
    void tooltip();
    void sizeFollowsFont();
};

void TestSparkline::paintsValues_data()
{
    QTest::addColumn<QList<int>>("values");
    QTest::addColumn<bool>("newestHigh"); // whether the newest value is the peak

    QTest::addRow("rising") << QList<int> {0, 1, 2, 3, 5, 8, 13} << true;
    QTest::addRow("falling") << QList<int> {9, 7, 4, 2, 1, 0} << false;
    QTest::addRow("all zero") << QList<int>(30, 0) << false;
    QTest::addRow("one value") << QList<int> {4} << true;
}

void TestSparkline::paintsValues()
{
    QFETCH(QList<int>, values);
    QFETCH(bool, newestHigh);

    Sparkline spark;
    spark.resize(spark.sizeHint());
    const QImage background = spark.grab().toImage();
    QCOMPARE(differingPixels(background, spark.grab().toImage()), 0); // nothing painted without values

    spark.setValues(values);
    QCOMPARE(spark.values(), values);
    const QImage painted = spark.grab().toImage();
    QCOMPARE(painted.size(), background.size());
    QVERIFY(differingPixels(background, painted) > 0);

    // The newest value's dot sits at the right edge: high for a peak, at the bottom for zero.
    const qreal dpr = painted.devicePixelRatio();
    const int x = painted.width() - int(spark.fontMetrics().height() / 6.0 * dpr) - 2;
    const int top = painted.height() / 4;
    const int bottom = painted.height() * 3 / 4;
    bool markedHigh = false;
    bool markedLow = false;
    for (int dx = -2; dx <= 2; ++dx) {
        const int px = std::clamp(x + dx, 0, painted.width() - 1);
        for (int y = 0; y < top; ++y)
            markedHigh |= painted.pixel(px, y) != background.pixel(px, y);
        for (int y = bottom; y < painted.height(); ++y)
            markedLow |= painted.pixel(px, y) != background.pixel(px, y);
    }
    QCOMPARE(markedHigh, newestHigh);
    if (!newestHigh)
        QVERIFY(markedLow);

    spark.setValues({});
    QCOMPARE(differingPixels(background, spark.grab().toImage()), 0);
}

void TestSparkline::tooltip()
{
    Sparkline spark;
    QVERIFY(!spark.toolTip().isEmpty());
    QList<int> values(30, 0);
    values[10] = 1234;
    values[29] = 17;
    spark.setValues(values);
    const QString tip = spark.toolTip();
    QVERIFY2(tip.contains(QStringLiteral("17")), qPrintable(tip));
    QVERIFY2(tip.contains(QLocale().toString(1234)), qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("30 min")), qPrintable(tip));
    QCOMPARE(spark.accessibleDescription(), tip);
}

void TestSparkline::sizeFollowsFont()
{
    Sparkline spark;
    const QSize small = spark.sizeHint();
    QFont big = spark.font();
    big.setPointSizeF(big.pointSizeF() * 2);
    spark.setFont(big);
    QVERIFY(spark.sizeHint().height() > small.height());
    QVERIFY(spark.sizeHint().width() > small.width());
}

QTEST_MAIN(TestSparkline)
#include "tst_sparkline.moc"
