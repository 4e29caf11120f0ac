// SPDX-License-Identifier: GPL-3.0-or-later
#include "overviewlayout.h"

#include "model/migration.h"
#include "timeline/timemapping.h"

#include <QHash>
#include <algorithm>
#include <cmath>

namespace mm {

OverviewLane OverviewLane::of(const Migration &m, const QString &group)
{
    OverviewLane lane;
    lane.id = m.id;
    lane.group = group;
    lane.createdUs = m.createdUs;
    lane.startedUs = m.startedUs;
    lane.finishedUs = m.finishedUs;
    lane.firstEventUs = m.firstEventUs;
    lane.lastEventUs = m.lastEventUs;
    lane.status = m.status;
    for (const Migration::Event &ev : m.events) {
        if (ev.kind == EventKind::TaskFailed)
            lane.taskFailuresUs.push_back(ev.when);
    }
    // Events sort by time except the undated ones, which come first.
    std::sort(lane.taskFailuresUs.begin(), lane.taskFailuresUs.end());
    return lane;
}

qint64 OverviewLane::beginUs() const
{
    return createdUs.value_or(startedUs.value_or(firstEventUs));
}

bool OverviewLane::isOpen() const
{
    return !finishedUs && (status == MigrationStatus::NotStarted || status == MigrationStatus::Working);
}

qint64 OverviewLane::endUs(qint64 nowUs) const
{
    if (finishedUs)
        return std::max(*finishedUs, beginUs());
    return isOpen() ? std::max(nowUs, beginUs()) : std::max(lastEventUs, beginUs());
}

void OverviewLayout::setLanes(std::vector<OverviewLane> lanes)
{
    m_lanes = std::move(lanes);
    // Newest first, as the board starts: what runs now is at the top.
    std::sort(m_lanes.begin(), m_lanes.end(), [](const OverviewLane &a, const OverviewLane &b) {
        const qint64 ab = a.beginUs();
        const qint64 bb = b.beginUs();
        return ab != bb ? ab > bb : a.id < b.id;
    });
    buildRows();
}

void OverviewLayout::setGrouped(bool grouped)
{
    if (grouped == m_grouped)
        return;
    m_grouped = grouped;
    buildRows();
}

void OverviewLayout::buildRows()
{
    m_rows.clear();
    m_groups.clear();
    m_groupSizes.clear();
    m_rows.reserve(m_lanes.size());
    if (!m_grouped) {
        for (int i = 0; i < int(m_lanes.size()); ++i)
            m_rows.push_back(Row {i, -1});
        setScroll(m_scroll);
        return;
    }
    // Companies by name, those without one last; each keeps the lanes' order.
    QHash<QString, std::vector<int>> members;
    for (int i = 0; i < int(m_lanes.size()); ++i) {
        auto it = members.find(m_lanes[size_t(i)].group);
        if (it == members.end()) {
            m_groups.append(m_lanes[size_t(i)].group);
            it = members.insert(m_lanes[size_t(i)].group, {});
        }
        it->push_back(i);
    }
    std::sort(m_groups.begin(), m_groups.end(), [](const QString &a, const QString &b) {
        if (a.isEmpty() != b.isEmpty())
            return b.isEmpty();
        const int c = a.compare(b, Qt::CaseInsensitive);
        return c != 0 ? c < 0 : a < b;
    });
    m_rows.reserve(m_lanes.size() + size_t(m_groups.size()));
    for (int g = 0; g < int(m_groups.size()); ++g) {
        const std::vector<int> &lanes = members[m_groups[g]];
        m_groupSizes.push_back(int(lanes.size()));
        m_rows.push_back(Row {-1, g});
        for (int lane : lanes)
            m_rows.push_back(Row {lane, g});
    }
    setScroll(m_scroll);
}

int OverviewLayout::groupSize(int group) const
{
    return group >= 0 && group < int(m_groupSizes.size()) ? m_groupSizes[size_t(group)] : 0;
}

int OverviewLayout::rowOf(const QString &migrationId) const
{
    for (int i = 0; i < rowCount(); ++i) {
        const Row &r = m_rows[size_t(i)];
        if (!r.isHeader() && m_lanes[size_t(r.lane)].id == migrationId)
            return i;
    }
    return -1;
}

void OverviewLayout::setViewport(double top, double height, double rowHeight)
{
    m_top = top;
    m_height = std::max(0.0, height);
    m_rowHeight = std::max(1.0, rowHeight);
    setScroll(m_scroll);
}

double OverviewLayout::maxScroll() const
{
    return std::max(0.0, contentHeight() - m_height);
}

void OverviewLayout::setScroll(double offset)
{
    m_scroll = std::isfinite(offset) ? std::clamp(offset, 0.0, maxScroll()) : 0.0;
}

OverviewLayout::Range OverviewLayout::visibleRows() const
{
    if (m_rows.empty() || m_height <= 0)
        return {};
    const int first = std::clamp(int(std::floor(m_scroll / m_rowHeight)), 0, rowCount());
    const int last = std::clamp(int(std::ceil((m_scroll + m_height) / m_rowHeight)), first, rowCount());
    return {first, last};
}

double OverviewLayout::rowTop(int index) const
{
    return m_top + index * m_rowHeight - m_scroll;
}

int OverviewLayout::rowAt(double y) const
{
    if (y < m_top || y >= m_top + m_height)
        return -1;
    const int index = int(std::floor((y - m_top + m_scroll) / m_rowHeight));
    return index >= 0 && index < rowCount() ? index : -1;
}

QString OverviewLayout::migrationAt(double y) const
{
    const int index = rowAt(y);
    if (index < 0 || m_rows[size_t(index)].isHeader())
        return {};
    return m_lanes[size_t(m_rows[size_t(index)].lane)].id;
}

std::vector<OverviewSpan> OverviewLayout::spans(const OverviewLane &lane, const TimeMapping &mapping,
                                                qint64 nowUs, double outcomePx)
{
    std::vector<OverviewSpan> out;
    const double left = mapping.plotLeft();
    const double right = mapping.plotRight();
    auto add = [&](double x0, double x1, MigrationStatus status, bool outcome) {
        x1 = std::max(x1, x0 + 1); // a sub-pixel phase still shows, as a one-pixel mark
        x0 = std::max(x0, left);
        x1 = std::min(x1, right);
        if (x1 <= x0)
            return;
        // A one-pixel mark on the pixel the previous phase ends in says nothing more: the later
        // phase takes that pixel.
        if (!out.empty() && out.back().x1 - out.back().x0 <= 1 && std::floor(out.back().x0) == std::floor(x0))
            out.pop_back();
        out.push_back(OverviewSpan {x0, x1, status, outcome});
    };
    auto x = [&mapping](qint64 us) { return mapping.xForTime(us); };
    const qint64 end = lane.endUs(nowUs);
    if (lane.createdUs) {
        const qint64 to = lane.startedUs ? *lane.startedUs : lane.finishedUs ? *lane.finishedUs : end;
        add(x(*lane.createdUs), x(std::max(to, *lane.createdUs)), MigrationStatus::NotStarted, false);
    }
    if (lane.startedUs)
        add(x(*lane.startedUs), x(std::max(end, *lane.startedUs)), MigrationStatus::Working, false);
    if (!lane.createdUs && !lane.startedUs) // only a task failure or an outcome arrived
        add(x(lane.beginUs()), x(end), lane.isOpen() ? lane.status : MigrationStatus::Unknown, false);
    if (lane.finishedUs && isTerminal(lane.status)) {
        const double at = x(*lane.finishedUs);
        add(at, at + outcomePx, lane.status, true);
    }
    return out;
}

std::vector<double> OverviewLayout::failureTicks(const OverviewLane &lane, const TimeMapping &mapping)
{
    std::vector<double> out;
    const auto &t = lane.taskFailuresUs;
    auto it = std::lower_bound(t.begin(), t.end(), mapping.fromUs());
    const auto end = std::upper_bound(it, t.end(), mapping.toUs());
    double lastColumn = -1;
    for (; it != end; ++it) {
        const double x = mapping.xForTime(*it);
        if (std::floor(x) == lastColumn)
            continue;
        lastColumn = std::floor(x);
        out.push_back(x);
    }
    return out;
}

std::pair<qint64, qint64> OverviewLayout::extent(qint64 nowUs) const
{
    if (m_lanes.empty())
        return {0, 0};
    qint64 from = m_lanes.front().beginUs();
    qint64 to = from;
    for (const OverviewLane &lane : m_lanes) {
        from = std::min(from, lane.beginUs());
        to = std::max(to, lane.endUs(nowUs));
    }
    return {from, to};
}

bool OverviewLayout::growsInView(const TimeMapping &mapping, qint64 nowUs) const
{
    if (nowUs < mapping.fromUs() || nowUs > mapping.toUs())
        return false;
    const Range visible = visibleRows();
    for (int i = visible.first; i < visible.last; ++i) {
        const Row &r = m_rows[size_t(i)];
        if (!r.isHeader() && m_lanes[size_t(r.lane)].isOpen())
            return true;
    }
    return false;
}

} // namespace mm
