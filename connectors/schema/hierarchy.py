"""ISA-95 equipment hierarchy: enterprise > site > area > line (work center) > equipment (work unit).

Codes are what people say and type (`L2`, `CNC-03`); `aliases` holds the other names operators
use, separated by `|` (e.g. `Line 2|line2|2号线|二号线`), so tools can resolve "2号线" to `L2`.
"""

from sqlmodel import Field, SQLModel

__all__ = ["Area", "Enterprise", "Equipment", "Line", "Site"]


class Enterprise(SQLModel, table=True):
    __tablename__ = "enterprise"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    name_en: str
    name_zh: str


class Site(SQLModel, table=True):
    """A plant. All its datetimes are naive plant-local times in `timezone`."""

    __tablename__ = "site"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    name_en: str
    name_zh: str
    timezone: str = Field(description="IANA time zone of the plant clock, e.g. Asia/Shanghai.")


class Area(SQLModel, table=True):
    __tablename__ = "area"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    site_id: int = Field(foreign_key="site.id", index=True)
    name_en: str
    name_zh: str


class Line(SQLModel, table=True):
    """A production line (ISA-95 work center)."""

    __tablename__ = "line"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    area_id: int = Field(foreign_key="area.id", index=True)
    name_en: str
    name_zh: str
    aliases: str = Field(default="", description="Other names, '|'-separated.")


class Equipment(SQLModel, table=True):
    """A machine (ISA-95 work unit) on a line, in flow order (`position`)."""

    __tablename__ = "equipment"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    line_id: int = Field(foreign_key="line.id", index=True)
    position: int = Field(description="Order along the line, 1 = first station.")
    equipment_type: str = Field(max_length=32, description="cnc, press, robot, washer, assembly, tester, packer...")
    name_en: str
    name_zh: str
    aliases: str = Field(default="", description="Other names, '|'-separated.")
    is_line_output: bool = Field(
        default=False, description="The station whose good count is the line's output (count parts once)."
    )
    manufacturer: str = ""
    installed_year: int | None = None
