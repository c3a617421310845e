using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Leadline.Common.Api;
using Leadline.Leads;

namespace Leadline.Inbox;

/// <summary>A next action set by hand: from the API's <c>nextAction</c> (null clears it) or the lead page's form.</summary>
public static class NextActions
{
    public static readonly IReadOnlyDictionary<string, NextActionType> Names = new Dictionary<string, NextActionType>(StringComparer.OrdinalIgnoreCase)
    {
        ["reply"] = NextActionType.Reply, ["followUp"] = NextActionType.FollowUp, ["reviewRequest"] = NextActionType.ReviewRequest,
    };

    public static string Name(NextActionType type) => type switch
    {
        NextActionType.Reply => "reply",
        NextActionType.FollowUp => "followUp",
        _ => "reviewRequest",
    };

    public static string Label(NextActionType type) => type switch
    {
        NextActionType.Reply => "Reply",
        NextActionType.FollowUp => "Follow up",
        _ => "Ask for a review",
    };

    /// <summary>
    /// <c>{ "type": "followUp", "dueAt": "2026-12-07T09:00:00Z" }</c> (dueAt defaults to now) or null. On success
    /// <paramref name="apply"/> sets it on the lead; otherwise the errors name nextAction.type or nextAction.dueAt.
    /// </summary>
    public static Errors Read(JsonNode? node, DateTime now, out Action<Lead>? apply)
    {
        var errors = new Errors();
        apply = null;
        if (node is null)
        {
            apply = l => (l.NextActionType, l.NextActionDueAt) = (null, null);
            return errors;
        }
        if (node is not JsonObject o)
            return errors.Add("nextAction", "nextAction is an object { type, dueAt } or null.");
        NextActionType type = default;
        if (o["type"] is not JsonValue t || t.GetValueKind() != JsonValueKind.String || !Names.TryGetValue(t.GetValue<string>(), out type))
            errors.Add("nextAction.type", "nextAction.type must be reply, followUp or reviewRequest.");
        DateTime due = now;
        if (o["dueAt"] is { } d && (d.GetValueKind() != JsonValueKind.String
            || !DateTime.TryParse(d.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out due)))
            errors.Add("nextAction.dueAt", "nextAction.dueAt must be an ISO-8601 time, such as 2026-12-07T09:00:00Z.");
        if (!errors.Any)
            apply = l => (l.NextActionType, l.NextActionDueAt) = (type, DateTime.SpecifyKind(due, DateTimeKind.Utc));
        return errors;
    }
}
