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

    /// <summary>Roles for which the first note on an unowned lead makes the author its owner (reservation).</summary>
    public List<string> ReservationRoles { get; set; } = [];

    /// <summary>A reservation with no note or activity for this long is released back to the queue.</summary>
    public int ReservationReleaseHours { get; set; } = 48;

    /// <summary>The work queue shows only leads on these marketing lists (empty: every open lead).</summary>
    public List<int> QueueListIds { get; set; } = [];

    /// <summary>Extra lead fields the work queue shows as columns (names from <c>Queue.QueueFields</c>).</summary>
    public List<string> QueueFields { get; set; } = [];

    /// <summary>The first-response SLA: a customer's message is answered within this many minutes of business hours.</summary>
    public int FirstResponseMinutes { get; set; } = 60;

    /// <summary>Opening hours as JSON (<see cref="Inbox.BusinessHours"/>); null: around the clock.</summary>
    public string? BusinessHours { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}
