using Leadline.Data;

namespace Leadline.Workspaces;

/// <summary>The tenant: every user and every business row belongs to exactly one workspace.</summary>
public sealed class Workspace : ITimestamped
{
    public int Id { get; set; }

    public string Name { get; set; } = "";

    /// <summary>IANA time zone id (e.g. <c>Europe/Berlin</c>): "today", due dates and reports use it.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>ISO 3166-1 alpha-2 country used to read phone numbers typed without a country code.</summary>
    public string DefaultCountry { get; set; } = "US";

    /// <summary>Last number handed out by "Generate code" (L-000123); advanced atomically in SQL.</summary>
    public int LastLeadCode { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}
