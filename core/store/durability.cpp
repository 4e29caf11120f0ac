// SPDX-License-Identifier: GPL-3.0-or-later
#include "durability.h"

namespace mm {

std::optional<Durability> parseDurability(QStringView text)
{
    if (text.compare(u"power", Qt::CaseInsensitive) == 0)
        return Durability::Power;
    if (text.compare(u"process", Qt::CaseInsensitive) == 0)
        return Durability::Process;
    return std::nullopt;
}

QString durabilityName(Durability durability)
{
    return durability == Durability::Power ? QStringLiteral("power") : QStringLiteral("process");
}

} // namespace mm
