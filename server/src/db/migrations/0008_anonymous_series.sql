-- Anonymous reports are numbered in a register of their own (`URA-2026-A00007`), so that
-- no number ties one to the named items a phone sent beside it (see core's
-- `tracking::Series`). The next sequence number per district and year of that register.
CREATE TABLE anonymous_counters (
    district TEXT NOT NULL,
    year INTEGER NOT NULL,
    next INTEGER NOT NULL,
    PRIMARY KEY (district, year)
);
