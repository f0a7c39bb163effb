"""Tools of external MCP servers (historians, MES, ERP exposed over MCP) as registry tools.

Import this package only when `mcp_servers` are configured: it loads the MCP SDK.
"""

from tools.mcp_client.arguments import SchemaArguments, arguments_model
from tools.mcp_client.config import McpServerConfig
from tools.mcp_client.loading import add_mcp_servers
from tools.mcp_client.sessions import McpServerError, McpSessions, ServerLink
from tools.mcp_client.tool import McpTool, McpToolResult, permission_of

__all__ = [
    "McpServerConfig",
    "McpServerError",
    "McpSessions",
    "McpTool",
    "McpToolResult",
    "SchemaArguments",
    "ServerLink",
    "add_mcp_servers",
    "arguments_model",
    "permission_of",
]
