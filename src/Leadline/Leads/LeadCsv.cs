using System.Globalization;

namespace Leadline.Leads;

/// <summary>
/// The CSV columns of export and import: export writes exactly these headers, import recognises them (and a few
/// common aliases), so an exported file imports back unchanged.
/// </summary>
public static class LeadCsv
{
    public sealed record Column(string Header, Func<Lead, CsvContext, string?> Read, string[] Aliases);

    /// <summary>Names needed to write stage and owner columns readably.</summary>
    public sealed record CsvContext(IReadOnlyDictionary<int, string> StageNames, IReadOnlyDictionary<int, string> OwnerEmails);

    private static string? Date(DateTime? d) => d?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Camel(string s) => char.ToLowerInvariant(s[0]) + s[1..];

    public static readonly IReadOnlyList<Column> Columns =
    [
        new("id", (l, _) => l.Id.ToString(CultureInfo.InvariantCulture), []),
        new("code", (l, _) => l.Code, ["lead code", "contact code"]),
        new("name", (l, _) => l.Name, ["full name", "contact name", "lead name"]),
        new("company", (l, _) => l.Company, ["company name", "organisation", "organization", "account"]),
        new("title", (l, _) => l.Title, ["job title", "position"]),
        new("email", (l, _) => l.Email, ["e-mail", "email address", "mail"]),
        new("phone", (l, _) => l.Phone, ["phone number", "telephone", "tel"]),
        new("mobile", (l, _) => l.Mobile, ["mobile phone", "cell", "cell phone"]),
        new("website", (l, _) => l.Website, ["web", "url", "site"]),
        new("source", (l, _) => Camel(l.Source.ToString()), ["lead source", "channel"]),
        new("sourceDetail", (l, _) => l.SourceDetail, ["source detail", "campaign"]),
        new("stage", (l, c) => c.StageNames.GetValueOrDefault(l.StageId), ["stage name"]),
        new("status", (l, _) => Camel(l.Status.ToString()), []),
        new("lostReason", (l, _) => l.LostReason, ["lost reason"]),
        new("owner", (l, c) => l.OwnerId is { } o ? c.OwnerEmails.GetValueOrDefault(o) : null, ["owner email", "assigned to"]),
        new("score", (l, _) => l.Score.ToString(CultureInfo.InvariantCulture), ["rating"]),
        new("tags", (l, _) => string.Join(";", l.Tags), ["labels"]),
        new("lifecycleStage", (l, _) => l.LifecycleStage, ["lifecycle stage", "lifecycle"]),
        new("active", (l, _) => l.Active ? "true" : "false", []),
        new("primary", (l, _) => l.Primary ? "true" : "false", []),
        new("industry", (l, _) => l.Industry, []),
        new("companySize", (l, _) => l.CompanySize?.ToString(CultureInfo.InvariantCulture), ["company size", "employees"]),
        new("street", (l, _) => l.Street, ["address", "street address"]),
        new("city", (l, _) => l.City, ["town"]),
        new("state", (l, _) => l.State, ["region", "province"]),
        new("postalCode", (l, _) => l.PostalCode, ["postal code", "post code", "postcode", "zip", "zip code"]),
        new("country", (l, _) => l.Country, ["country code"]),
        new("gender", (l, _) => l.Gender, []),
        new("dateOfBirth", (l, _) => l.DateOfBirth?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["date of birth", "birthday", "dob"]),
        new("maritalStatus", (l, _) => l.MaritalStatus, ["marital status"]),
        new("accountType", (l, _) => l.AccountType, ["account type"]),
        new("relationshipType", (l, _) => l.RelationshipType, ["relationship type", "relationship"]),
        new("loyaltyLevel", (l, _) => l.LoyaltyLevel, ["loyalty level", "loyalty"]),
        new("linkedin", (l, _) => l.Linkedin, []),
        new("twitter", (l, _) => l.Twitter, ["x"]),
        new("facebook", (l, _) => l.Facebook, []),
        new("instagram", (l, _) => l.Instagram, []),
        new("createdAt", (l, _) => Date(l.CreatedAt), ["created"]),
        new("lastActivityAt", (l, _) => Date(l.LastActivityAt), []),
        new("nextFollowUpAt", (l, _) => Date(l.NextFollowUpAt), []),
    ];

    /// <summary>The canonical column for a header typed by a person ("E-mail Address" → email), or null.</summary>
    public static string? Canonical(string header)
    {
        var h = header.Trim().ToLowerInvariant().Replace("_", " ", StringComparison.Ordinal);
        foreach (var c in Columns)
        {
            if (string.Equals(c.Header, h.Replace(" ", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase) || c.Aliases.Contains(h))
                return c.Header;
        }
        return null;
    }
}
