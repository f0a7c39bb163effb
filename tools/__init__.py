"""What agents can do: tool contract, registry and plugins, permissions, approvals, audit, built-in tools."""

__all__: list[str] = []
