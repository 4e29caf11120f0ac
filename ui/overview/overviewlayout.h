// SPDX-License-Identifier: GPL-3.0-or-later
// Where the overview puts each migration: the lane order (newest first, optionally grouped by
// company under a header row), the rows in the vertical viewport, each lane's phase spans and
// task-failure ticks in pixels, and which migration a point hits. No widgets: tested on its own.
#pragma once

#include "model/migrationstatus.h"

#include <QString>
#include <QStringList>
#include <optional>
#include <vector>

namespace mm {

class TimeMapping;
struct Migration;

// One migration as the overview draws it: a copy of its phase times, so the layout never
// points into the book, which grows while the view is open.
struct OverviewLane
{
    QString id;
    QString group; // the company as the board shows it
    std::optional<qint64> createdUs;
    std::optional<qint64> startedUs;
    std::optional<qint64> finishedUs;
    qint64 firstEventUs = 0;
    qint64 lastEventUs = 0;
    MigrationStatus status = MigrationStatus::Unknown;
    std::vector<qint64> taskFailuresUs; // sorted

    static OverviewLane of(const Migration &m, const QString &group);
    qint64 beginUs() const; // created, else started, else the first event
    // Not started or working, with no outcome yet: its last phase runs to now.
    bool isOpen() const;
    qint64 endUs(qint64 nowUs) const;
};

// A phase in pixels, clipped to the plot; at least one pixel wide.
struct OverviewSpan
{
    double x0 = 0;
    double x1 = 0;
    MigrationStatus status = MigrationStatus::Unknown;
    bool outcome = false; // the outcome's mark at the finish, not a phase
};

class OverviewLayout final
{
public:
    // A row is a lane, or (grouped) a company's header.
    struct Row
    {
        int lane = -1; // index into lanes(), -1 for a header
        int group = -1; // index into groups()
        bool isHeader() const { return lane < 0; }
    };
    // Rows [first, last).
    struct Range
    {
        int first = 0;
        int last = 0;
        int size() const { return last - first; }
    };

    void setLanes(std::vector<OverviewLane> lanes);
    void setGrouped(bool grouped);
    bool isGrouped() const { return m_grouped; }
    const std::vector<OverviewLane> &lanes() const { return m_lanes; }
    const QStringList &groups() const { return m_groups; } // in order, when grouped
    int groupSize(int group) const;

    int rowCount() const { return int(m_rows.size()); }
    const Row &row(int index) const { return m_rows[size_t(index)]; }
    int rowOf(const QString &migrationId) const; // -1 when not shown

    // The lanes' band in widget pixels (top and height), every row's height, and the scroll
    // offset from the first row (clamped to the content).
    void setViewport(double top, double height, double rowHeight);
    double viewportTop() const { return m_top; }
    double viewportHeight() const { return m_height; }
    double rowHeight() const { return m_rowHeight; }
    void setScroll(double offset);
    double scroll() const { return m_scroll; }
    double maxScroll() const;
    double contentHeight() const { return m_rowHeight * rowCount(); }

    Range visibleRows() const; // the rows that meet the viewport, partly or wholly
    double rowTop(int index) const; // in widget pixels
    int rowAt(double y) const; // -1 outside the viewport or past the last row
    QString migrationAt(double y) const; // empty on a header or outside

    // The lane's phases (created → working → outcome) in pixels, clipped to the mapping's plot,
    // with the open phase running to nowUs; a phase narrower than a pixel becomes a
    // one-pixel mark. The outcome is a mark outcomePx wide at the finish.
    static std::vector<OverviewSpan> spans(const OverviewLane &lane, const TimeMapping &mapping, qint64 nowUs,
                                           double outcomePx);
    // The x of each task failure in the plot, found by binary search; one per pixel column.
    static std::vector<double> failureTicks(const OverviewLane &lane, const TimeMapping &mapping);

    // From the earliest begin to the latest end (open lanes end now); {0, 0} without lanes.
    std::pair<qint64, qint64> extent(qint64 nowUs) const;
    // Whether a visible lane grows now: it is open and now is inside the plot.
    bool growsInView(const TimeMapping &mapping, qint64 nowUs) const;

private:
    void buildRows();

    std::vector<OverviewLane> m_lanes;
    std::vector<Row> m_rows;
    QStringList m_groups;
    std::vector<int> m_groupSizes;
    bool m_grouped = false;
    double m_top = 0;
    double m_height = 0;
    double m_rowHeight = 1;
    double m_scroll = 0;
};

} // namespace mm
