"""Where factory data comes from: ISA-95 MES + ERP schema, engines and the demo plant."""

__all__: list[str] = []
