// SPDX-License-Identifier: GPL-3.0-or-later
// The overview (ui/overview/) with 10,000 migrations in range: the time to rebuild its layout
// from the board's filtered model, and to paint a frame into an image at several zoom levels,
// flat and grouped by company. Prints min / median / p99 in ms per frame.
//
// Run: QT_QPA_PLATFORM=offscreen build/dev/bench/bench_overview [migrations (default 10000)]
//      [width height (default 1400 500)]
#include "model/monitormodel.h"
#include "overview/overviewwidget.h"
#include "store/records.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QRandomGenerator>
#include <QThread>
#include <algorithm>
#include <cstdio>
#include <functional>

using namespace mm;

namespace {
constexpr qint64 Sec = 1'000'000;
constexpr qint64 T0 = 1'750'000'000'000'000LL;

EventFacts fact(qint64 rowId, const QString &migration, const char *type, qint64 createdUs,
                const char *status, const QString &company)
{
    EventFacts f;
    f.rowId = rowId;
    f.msgId = "msg_bench" + QByteArray::number(rowId);
    f.eventId = QStringLiteral("evt_%1").arg(rowId);
    f.type = QString::fromLatin1(type);
    f.migrationId = migration;
    f.createdUs = createdUs;
    f.receivedUs = createdUs + 500;
    f.status = QString::fromLatin1(status);
    f.companyId = company;
    f.parsed = true;
    return f;
}

// A day of migrations: created evenly over 24 h, started within minutes, running minutes to
// hours; one in ten still working, one in eight failing, some with task failures.
QList<EventFacts> day(int migrations)
{
    QRandomGenerator rng(18);
    QList<EventFacts> out;
    qint64 row = 0;
    const qint64 step = 24 * 3600 * Sec / migrations;
    for (int i = 0; i < migrations; ++i) {
        const QString id = QStringLiteral("mig_01J%1QRS").arg(10000000 + i);
        const QString company
            = QStringLiteral("f7b2d4e9-3c8a-4f1b-9e6d-2a5c8b7f3e%1").arg(i % 40, 2, 10, QLatin1Char('0'));
        const qint64 created = T0 + i * step;
        const qint64 started = created + rng.bounded(30, 600) * Sec;
        const qint64 finished = started + rng.bounded(120, 4 * 3600) * Sec;
        out << fact(row + 1, id, "migration.created", created, "NOT_STARTED", company);
        out << fact(row + 2, id, "migration.started", started, "WORKING", company);
        row += 2;
        const int failures = rng.bounded(10) < 3 ? int(rng.bounded(1, 4)) : 0;
        for (int f = 0; f < failures; ++f) {
            EventFacts task
                = fact(++row, id, "migration_task.failed",
                       started + (finished - started) * (f + 1) / (failures + 1), "WORKING", company);
            task.taskId = QStringLiteral("task_%1").arg(row);
            out << task;
        }
        if (i % 10 == 9)
            continue; // still working
        if (i % 8 == 7)
            out << fact(++row, id, "migration.failed", finished, "FAILED", company);
        else
            out << fact(++row, id, "migration.completed", finished,
                        failures ? "COMPLETED_WITH_FAILURES" : "COMPLETE", company);
    }
    return out;
}

struct Figures
{
    double min = 0;
    double median = 0;
    double p99 = 0;
};

Figures measure(int frames, const std::function<void()> &frame)
{
    for (int i = 0; i < 5; ++i) // warm caches and the glyph cache
        frame();
    std::vector<double> ms;
    ms.reserve(size_t(frames));
    QElapsedTimer timer;
    for (int i = 0; i < frames; ++i) {
        timer.start();
        frame();
        ms.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    std::sort(ms.begin(), ms.end());
    return {ms.front(), ms[ms.size() / 2], ms[std::min(ms.size() - 1, size_t(double(ms.size()) * 0.99))]};
}

void print(const char *what, const Figures &f)
{
    std::printf("%-44s %8.3f %8.3f %8.3f\n", what, f.min, f.median, f.p99);
}

QString cpuName()
{
    QFile cpu(QStringLiteral("/proc/cpuinfo"));
    if (cpu.open(QIODevice::ReadOnly)) {
        for (const QByteArray &line : cpu.readAll().split('\n')) {
            if (line.startsWith("model name"))
                return QString::fromUtf8(line.mid(line.indexOf(':') + 1).trimmed());
        }
    }
    return QStringLiteral("unknown CPU");
}
} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    const int migrations = args.size() > 1 ? args.at(1).toInt() : 10000;
    const int width = args.size() > 3 ? args.at(2).toInt() : 1400;
    const int height = args.size() > 3 ? args.at(3).toInt() : 500;

    MonitorModel model;
    const QList<EventFacts> facts = day(migrations);
    QElapsedTimer load;
    load.start();
    model.ingest(facts); // one bulk apply
    std::printf("%s, %d threads; Qt %s; %d migrations (%lld events) over 24 h, %dx%d px\n",
                qPrintable(cpuName()), QThread::idealThreadCount(), qVersion(), migrations,
                qlonglong(facts.size()), width, height);
    std::printf("model ingest (not the overview): %.1f ms\n\n", double(load.nsecsElapsed()) / 1e6);

    OverviewWidget view(model.filteredMigrations());
    const qint64 now = T0 + 25 * 3600 * Sec; // an hour after the last creation: 1,000 still working
    view.setClock([now] { return now; });
    view.resize(width, height);
    view.fit();
    QImage image(width, height, QImage::Format_ARGB32_Premultiplied);
    std::printf("%-44s %8s %8s %8s\n", "ms per frame", "min", "median", "p99");
    print("layout rebuild from the filtered model", measure(50, [&] {
              view.invalidateLayout();
              (void)view.layout();
          }));
    print("layout rebuild, grouped by company", measure(50, [&] {
              view.setGrouped(true);
              view.invalidateLayout();
              (void)view.layout();
          }));
    view.setGrouped(false);
    auto paint = [&] { view.render(&image); };
    struct Zoom
    {
        const char *name;
        double factor;
    };
    const Zoom zooms[] = {{"paint, fitted (25 h in view)", 1},
                          {"paint, 1 h in view", 25},
                          {"paint, 5 min in view", 300},
                          {"paint, 10 s in view", 9000}};
    for (const Zoom &z : zooms) {
        view.fit();
        // Zoom around "now", where the working migrations grow.
        view.zoom(z.factor, view.mapping().xForTime(now));
        print(z.name, measure(200, paint));
    }
    view.fit();
    view.setGrouped(true);
    print("paint, fitted, grouped by company", measure(200, paint));
    view.setGrouped(false);
    std::printf("\nrows painted per frame: %d of %d\n\n", view.paintedRows(), view.layout().rowCount());
    return 0;
}
