using System.Globalization;
using System.Text.Json;
using Leadline.Common.Api;
using Leadline.Common.Time;
using Leadline.Leads;

namespace Leadline.Reminders;

/// <summary>
/// When a reminder falls due, computed from a date on the lead (API.md <c>dueRule</c>):
/// <c>{ field: "dateOfBirth", yearly: true, at: "09:00" }</c> — the next anniversary at that workspace time (rescheduled each
/// year after it fired); <c>{ after: "createdAt", hours: 24 }</c> — that long after a time on the lead.
/// </summary>
public sealed record DueRule(string? Field, bool? Yearly, string? At, string? After, double? Hours)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    public string Serialize() => JsonSerializer.Serialize(this, Json);

    public static DueRule? Read(string? json)
    {
        if (string.IsNullOrEmpty(json))
            return null;
        try
        {
            return JsonSerializer.Deserialize<DueRule>(json, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public bool IsYearly => Field is not null && Yearly == true;

    /// <summary>The next due time after <paramref name="after"/> (UTC), or the field errors of a rule that cannot apply to this lead.</summary>
    public DateTime? Next(Lead lead, WorkspaceClock clock, DateTime after, Errors errors)
    {
        if (Field is not null)
        {
            if (LeadFields.Find(Field) is not { } field || field.Value(lead) is not (DateOnly or null))
            {
                errors.Add("dueRule.field", "The rule's field must be a date of the lead, e.g. dateOfBirth.");
                return null;
            }
            if (field.Value(lead) is not DateOnly date)
            {
                errors.Add("dueRule.field", $"The lead has no {field.Label.ToLowerInvariant()} to schedule from.");
                return null;
            }
            if (!TimeOnly.TryParseExact(At ?? "09:00", ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
            {
                errors.Add("dueRule.at", "The time must be HH:mm in the workspace's time zone, e.g. 09:00.");
                return null;
            }
            if (Yearly != true)
                return clock.ToUtc(date.ToDateTime(time));
            var localAfter = clock.ToLocal(after);
            for (var year = localAfter.Year - 1; year <= localAfter.Year + 1; year++)
            {
                // 29 February falls on the 28th in other years
                var day = Math.Min(date.Day, DateTime.DaysInMonth(year, date.Month));
                var candidate = clock.ToUtc(new DateOnly(year, date.Month, day).ToDateTime(time));
                if (candidate > after)
                    return candidate;
            }
            return null;
        }
        if (After is not null)
        {
            if (Hours is not { } hours || hours < 0 || hours > 24 * 366 * 5)
            {
                errors.Add("dueRule.hours", "Say how many hours after (0 to five years).");
                return null;
            }
            if (LeadFields.Find(After) is not { } field || field.Value(lead) is not DateTime start)
            {
                errors.Add("dueRule.after", "The rule must count from a time on the lead, e.g. createdAt.");
                return null;
            }
            return DateTime.SpecifyKind(start, DateTimeKind.Utc).AddHours(hours);
        }
        errors.Add("dueRule", "A rule has either field (with yearly and at) or after (with hours).");
        return null;
    }
}
