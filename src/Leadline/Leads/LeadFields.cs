using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json.Nodes;
using Leadline.Common.Time;
using Leadline.Pipeline;

namespace Leadline.Leads;

/// <summary>
/// The catalog of a lead's built-in fields, in the export's column order. Validation, the form and detail page, CSV export
/// and import, merge choices, history labels, the list filters' description and the EF column lengths read it, so a new
/// built-in field is added here, on <see cref="Lead"/> (and <see cref="LeadInput"/>) and in one SQL script
/// (LeadFieldCatalogTests walks it against the EF model).
/// </summary>
public static class LeadFields
{
    public static readonly LeadField<int, int?> Id = new("id", nameof(Lead.Id), "Id", LeadFieldKind.Id) { Get = l => l.Id, Tracked = false };

    public static readonly LeadField<string?, string?> Code = new("code", nameof(Lead.Code), "Code", LeadFieldKind.Text)
    {
        MaxLength = 50, Unique = true, CsvAliases = ["lead code", "contact code"], ListColumn = true,
        Get = l => l.Code, Set = (l, v) => l.Code = v, GetInput = i => i.Code, SetInput = (i, v) => i.Code = v, ToInput = Same, FromCsv = Cell,
    };

    public static readonly LeadField<string, string?> Name = new("name", nameof(Lead.Name), "Name", LeadFieldKind.Text)
    {
        MaxLength = 200, Required = true, CsvAliases = ["full name", "contact name", "lead name"], Mergeable = true, Matched = true,
        Get = l => l.Name, Set = (l, v) => l.Name = v, GetInput = i => i.Name, SetInput = (i, v) => i.Name = v, ToInput = v => v, FromCsv = Cell,
    };

    public static readonly LeadField<string?, string?> Company = new("company", nameof(Lead.Company), "Company", LeadFieldKind.Text)
    {
        MaxLength = 300, CsvAliases = ["company name", "organisation", "organization", "account"], Mergeable = true, Matched = true,
        Filter = "Company name containing this text.",
        Get = l => l.Company, Set = (l, v) => l.Company = v, GetInput = i => i.Company, SetInput = (i, v) => i.Company = v, ToInput = Same, FromCsv = Cell,
    };

    public static readonly LeadField<string?, string?> Title = new("title", nameof(Lead.Title), "Title", LeadFieldKind.Text)
    {
        MaxLength = 300, CsvAliases = ["job title", "position"], Mergeable = true, ListColumn = true,
        Get = l => l.Title, Set = (l, v) => l.Title = v, GetInput = i => i.Title, SetInput = (i, v) => i.Title = v, ToInput = Same, FromCsv = Cell,
    };

    public static readonly LeadField<string?, string?> Email = new("email", nameof(Lead.Email), "E-mail", LeadFieldKind.Email)
    {
        MaxLength = 254, CsvAliases = ["e-mail", "email address", "mail"], Mergeable = true, Matched = true,
        Get = l => l.Email, GetInput = i => i.Email, SetInput = (i, v) => i.Email = v, ToInput = Same, FromCsv = Cell,
    };

    /// <summary>As typed; the writer reads it into the E.164 and digits columns (<see cref="Lead.SetPhone"/>).</summary>
    public static readonly LeadField<string?, string?> Phone = new("phone", nameof(Lead.Phone), "Phone", LeadFieldKind.Phone)
    {
        MaxLength = 50, CsvAliases = ["phone number", "telephone", "tel"], Mergeable = true, Matched = true,
        Get = l => l.Phone, GetInput = i => i.Phone, SetInput = (i, v) => i.Phone = v, ToInput = Same, FromCsv = Cell,
    };

    public static readonly LeadField<string?, string?> Mobile = new("mobile", nameof(Lead.Mobile), "Mobile", LeadFieldKind.Phone)
    {
        MaxLength = 50, CsvAliases = ["mobile phone", "cell", "cell phone"], Mergeable = true, Matched = true,
        Get = l => l.Mobile, GetInput = i => i.Mobile, SetInput = (i, v) => i.Mobile = v, ToInput = Same, FromCsv = Cell,
    };

    public static readonly LeadField<string?, string?> Website = new("website", nameof(Lead.Website), "Website", LeadFieldKind.Url)
    {
        MaxLength = 300, CsvAliases = ["web", "url", "site"], Mergeable = true, Matched = true, ListColumn = true,
        Get = l => l.Website, Set = (l, v) => l.Website = v, GetInput = i => i.Website, SetInput = (i, v) => i.Website = v, ToInput = Same, FromCsv = Cell,
    };

    public static readonly LeadField<LeadSource, string?> Source = new("source", nameof(Lead.Source), "Source", LeadFieldKind.Source)
    {
        CsvAliases = ["lead source", "channel"], Mergeable = true, Filter = "Where the lead came from.", ListColumn = true,
        Get = l => l.Source, GetInput = i => i.Source, SetInput = (i, v) => i.Source = v, ToInput = v => Camel(v.ToString()), FromCsv = Cell,
    };

    public static readonly LeadField<string?, string?> SourceDetail = new("sourceDetail", nameof(Lead.SourceDetail), "Source detail", LeadFieldKind.Text)
    {
        MaxLength = 300, CsvAliases = ["source detail", "campaign"], Mergeable = true, ListColumn = true,
        Get = l => l.SourceDetail, Set = (l, v) => l.SourceDetail = v, GetInput = i => i.SourceDetail, SetInput = (i, v) => i.SourceDetail = v,
        ToInput = Same, FromCsv = Cell,
    };

    /// <summary>The CSV carries the stage's name, which the import looks up in the workspace's stages.</summary>
    public static readonly LeadField<int, int?> Stage = new("stageId", nameof(Lead.StageId), "Stage", LeadFieldKind.Stage)
    {
        CsvName = "stage", CsvAliases = ["stage name"], Filter = "The lead's stage.",
        Get = l => l.StageId, GetInput = i => i.StageId, SetInput = (i, v) => i.StageId = v, ToInput = v => v,
        ExportAs = (l, c) => c.StageNames.GetValueOrDefault(l.StageId),
    };

    /// <summary>The stage's category, derived from the stage: read-only.</summary>
    public static readonly LeadField<StageCategory, string?> Status = new("status", nameof(Lead.Status), "Status", LeadFieldKind.Status)
    {
        Tracked = false, Filter = "The category of the lead's stage.", Get = l => l.Status,
    };

    public static readonly LeadField<string?, string?> LostReason = new("lostReason", nameof(Lead.LostReason), "Lost reason", LeadFieldKind.Text)
    {
        MaxLength = 300, CsvAliases = ["lost reason"], ListColumn = true,
        Get = l => l.LostReason, Set = (l, v) => l.LostReason = v, GetInput = i => i.LostReason, SetInput = (i, v) => i.LostReason = v,
        ToInput = Same, FromCsv = Cell,
    };

    /// <summary>The CSV carries the owner's e-mail, which the import looks up among the active users.</summary>
    public static readonly LeadField<int?, int?> Owner = new("ownerId", nameof(Lead.OwnerId), "Owner", LeadFieldKind.Owner)
    {
        CsvName = "owner", CsvAliases = ["owner email", "assigned to"], Mergeable = true, Filter = "me, unassigned, or a user id.", FilterName = "owner",
        Get = l => l.OwnerId, GetInput = i => i.OwnerId, SetInput = (i, v) => i.OwnerId = v, ToInput = v => v,
        ExportAs = (l, c) => l.OwnerId is { } o ? c.OwnerEmails.GetValueOrDefault(o) : null,
    };

    public static readonly LeadField<int, int?> Score = new("score", nameof(Lead.Score), "Score", LeadFieldKind.Number)
    {
        CsvAliases = ["rating"], Mergeable = true, Hint = "0–100",
        Get = l => l.Score, GetInput = i => i.Score, SetInput = (i, v) => i.Score = v, ToInput = v => v, FromCsv = WholeNumber,
    };

    public static readonly LeadField<List<string>, List<string>?> Tags = new("tags", nameof(Lead.Tags), "Tags", LeadFieldKind.Tags)
    {
        CsvAliases = ["labels"], Filter = "Leads carrying this tag (case-insensitive).", FilterName = "tag", ListColumn = true,
        Get = l => l.Tags, GetInput = i => i.Tags, SetInput = (i, v) => i.Tags = v, ToInput = v => [.. v],
        FromCsv = c => ((c ?? "").Split([';', '|', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(), true, null),
    };

    public static readonly LeadField<string?, string?> LifecycleStage = new("lifecycleStage", nameof(Lead.LifecycleStage), "Lifecycle stage", LeadFieldKind.Text)
    {
        MaxLength = 50, CsvAliases = ["lifecycle stage", "lifecycle"], Mergeable = true, Filter = "Lifecycle stage (exact).", ListColumn = true,
        Get = l => l.LifecycleStage, Set = (l, v) => l.LifecycleStage = v, GetInput = i => i.LifecycleStage, SetInput = (i, v) => i.LifecycleStage = v,
        ToInput = Same, FromCsv = Cell,
    };

    public static readonly LeadField<bool, bool?> Active = new("active", nameof(Lead.Active), "Active", LeadFieldKind.Boolean)
    {
        Filter = "Active leads (true) or inactive ones (false).",
        Get = l => l.Active, GetInput = i => i.Active, SetInput = (i, v) => i.Active = v, ToInput = v => v, FromCsv = YesNo,
    };

    public static readonly LeadField<bool, bool?> Primary = new("primary", nameof(Lead.Primary), "Primary contact", LeadFieldKind.Boolean)
    {
        Filter = "Primary contacts (true) or the others (false).",
        Get = l => l.Primary, GetInput = i => i.Primary, SetInput = (i, v) => i.Primary = v, ToInput = v => v, FromCsv = YesNo,
    };

    public static readonly LeadField<string?, string?> Industry = new("industry", nameof(Lead.Industry), "Industry", LeadFieldKind.Text)
    {
        MaxLength = 300, Mergeable = true, ListColumn = true,
        Get = l => l.Industry, Set = (l, v) => l.Industry = v, GetInput = i => i.Industry, SetInput = (i, v) => i.Industry = v, ToInput = Same, FromCsv = Cell,
    };

    public static readonly LeadField<int?, int?> CompanySize = new("companySize", nameof(Lead.CompanySize), "Company size", LeadFieldKind.Number)
    {
        CsvAliases = ["company size", "employees"], Mergeable = true, Hint = "employees", ListColumn = true,
        Get = l => l.CompanySize, GetInput = i => i.CompanySize, SetInput = (i, v) => i.CompanySize = v, ToInput = v => v, FromCsv = WholeNumber,
    };

    public static readonly LeadField<string?, string?> Street = new("address.street", nameof(Lead.Street), "Street", LeadFieldKind.Text)
    {
        MaxLength = 300, CsvAliases = ["address", "street address"], Mergeable = true, Matched = true,
        Get = l => l.Street, Set = (l, v) => l.Street = v, GetInput = i => i.Address?.Street, SetInput = (i, v) => (i.Address ??= new()).Street = v,
        ToInput = Same, FromCsv = Cell,
    };

    public static readonly LeadField<string?, string?> City = new("address.city", nameof(Lead.City), "City", LeadFieldKind.Text)
    {
        MaxLength = 50, CsvAliases = ["town"], Mergeable = true, Matched = true, Filter = "City of the address (exact).", ListColumn = true,
        Get = l => l.City, Set = (l, v) => l.City = v, GetInput = i => i.Address?.City, SetInput = (i, v) => (i.Address ??= new()).City = v,
        ToInput = Same, FromCsv = Cell,
    };

    public static readonly LeadField<string?, string?> State = new("address.state", nameof(Lead.State), "State", LeadFieldKind.Text)
    {
        MaxLength = 50, CsvAliases = ["region", "province"], Mergeable = true, Matched = true, Filter = "State or region of the address (exact).",
        Get = l => l.State, Set = (l, v) => l.State = v, GetInput = i => i.Address?.State, SetInput = (i, v) => (i.Address ??= new()).State = v,
        ToInput = Same, FromCsv = Cell,
    };

    public static readonly LeadField<string?, string?> PostalCode = new("address.postalCode", nameof(Lead.PostalCode), "Post code", LeadFieldKind.Text)
    {
        MaxLength = 50, CsvAliases = ["postal code", "post code", "postcode", "zip", "zip code"], Mergeable = true, Matched = true,
        Filter = "Postal code of the address (exact).",
        Get = l => l.PostalCode, Set = (l, v) => l.PostalCode = v, GetInput = i => i.Address?.PostalCode,
        SetInput = (i, v) => (i.Address ??= new()).PostalCode = v, ToInput = Same, FromCsv = Cell,
    };

    /// <summary>ISO 3166-1 alpha-2, upper-cased by the writer.</summary>
    public static readonly LeadField<string?, string?> Country = new("address.country", nameof(Lead.Country), "Country", LeadFieldKind.Country)
    {
        MaxLength = 2, CsvAliases = ["country code"], Mergeable = true, Matched = true, Filter = "Country of the address (ISO 3166 alpha-2 code).",
        Hint = "ISO code, e.g. DE", ListColumn = true,
        Get = l => l.Country, GetInput = i => i.Address?.Country, SetInput = (i, v) => (i.Address ??= new()).Country = v, ToInput = Same, FromCsv = Cell,
    };

    public static readonly LeadField<string?, string?> Gender = new("gender", nameof(Lead.Gender), "Gender", LeadFieldKind.Choice)
    {
        MaxLength = 50, Mergeable = true, Filter = "Gender (exact, case-insensitive).",
        Get = l => l.Gender, Set = (l, v) => l.Gender = v, GetInput = i => i.Gender, SetInput = (i, v) => i.Gender = v, ToInput = Same, FromCsv = Cell,
    };

    public static readonly LeadField<DateOnly?, string?> DateOfBirth = new("dateOfBirth", nameof(Lead.DateOfBirth), "Date of birth", LeadFieldKind.Date)
    {
        CsvAliases = ["date of birth", "birthday", "dob"], Mergeable = true, Matched = true, Hint = "YYYY-MM-DD",
        Get = l => l.DateOfBirth, GetInput = i => i.DateOfBirth, SetInput = (i, v) => i.DateOfBirth = v,
        ToInput = v => v?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), FromCsv = Cell,
    };

    public static readonly LeadField<string?, string?> MaritalStatus = new("maritalStatus", nameof(Lead.MaritalStatus), "Marital status", LeadFieldKind.Choice)
    {
        MaxLength = 50, CsvAliases = ["marital status"], Mergeable = true, Filter = "Marital status (exact, case-insensitive).",
        Get = l => l.MaritalStatus, Set = (l, v) => l.MaritalStatus = v, GetInput = i => i.MaritalStatus, SetInput = (i, v) => i.MaritalStatus = v,
        ToInput = Same, FromCsv = Cell,
    };

    public static readonly LeadField<string?, string?> AccountType = new("accountType", nameof(Lead.AccountType), "Account type", LeadFieldKind.Choice)
    {
        MaxLength = 50, CsvAliases = ["account type"], Mergeable = true, Filter = "Account type (exact, case-insensitive).", ListColumn = true,
        Get = l => l.AccountType, Set = (l, v) => l.AccountType = v, GetInput = i => i.AccountType, SetInput = (i, v) => i.AccountType = v,
        ToInput = Same, FromCsv = Cell,
    };

    public static readonly LeadField<string?, string?> RelationshipType = new("relationshipType", nameof(Lead.RelationshipType), "Relationship", LeadFieldKind.Choice)
    {
        MaxLength = 50, MessageLabel = "Relationship type", CsvAliases = ["relationship type", "relationship"], Mergeable = true,
        Filter = "Relationship type (exact, case-insensitive).",
        Get = l => l.RelationshipType, Set = (l, v) => l.RelationshipType = v, GetInput = i => i.RelationshipType,
        SetInput = (i, v) => i.RelationshipType = v, ToInput = Same, FromCsv = Cell,
    };

    public static readonly LeadField<string?, string?> LoyaltyLevel = new("loyaltyLevel", nameof(Lead.LoyaltyLevel), "Loyalty level", LeadFieldKind.Choice)
    {
        MaxLength = 50, CsvAliases = ["loyalty level", "loyalty"], Mergeable = true, Filter = "Loyalty level (exact, case-insensitive).",
        Get = l => l.LoyaltyLevel, Set = (l, v) => l.LoyaltyLevel = v, GetInput = i => i.LoyaltyLevel, SetInput = (i, v) => i.LoyaltyLevel = v,
        ToInput = Same, FromCsv = Cell,
    };

    public static readonly LeadField<string?, string?> Linkedin = new("social.linkedin", nameof(Lead.Linkedin), "LinkedIn", LeadFieldKind.Url)
    {
        MaxLength = 300, Mergeable = true,
        Get = l => l.Linkedin, Set = (l, v) => l.Linkedin = v, GetInput = i => i.Social?.Linkedin, SetInput = (i, v) => (i.Social ??= new()).Linkedin = v,
        ToInput = Same, FromCsv = Cell,
    };

    public static readonly LeadField<string?, string?> Twitter = new("social.twitter", nameof(Lead.Twitter), "X / Twitter", LeadFieldKind.Url)
    {
        MaxLength = 300, MessageLabel = "Twitter", CsvAliases = ["x"], Mergeable = true,
        Get = l => l.Twitter, Set = (l, v) => l.Twitter = v, GetInput = i => i.Social?.Twitter, SetInput = (i, v) => (i.Social ??= new()).Twitter = v,
        ToInput = Same, FromCsv = Cell,
    };

    public static readonly LeadField<string?, string?> Facebook = new("social.facebook", nameof(Lead.Facebook), "Facebook", LeadFieldKind.Url)
    {
        MaxLength = 300, Mergeable = true,
        Get = l => l.Facebook, Set = (l, v) => l.Facebook = v, GetInput = i => i.Social?.Facebook, SetInput = (i, v) => (i.Social ??= new()).Facebook = v,
        ToInput = Same, FromCsv = Cell,
    };

    public static readonly LeadField<string?, string?> Instagram = new("social.instagram", nameof(Lead.Instagram), "Instagram", LeadFieldKind.Url)
    {
        MaxLength = 300, Mergeable = true,
        Get = l => l.Instagram, Set = (l, v) => l.Instagram = v, GetInput = i => i.Social?.Instagram, SetInput = (i, v) => (i.Social ??= new()).Instagram = v,
        ToInput = Same, FromCsv = Cell,
    };

    public static readonly LeadField<DateTime, string?> CreatedAt = new("createdAt", nameof(Lead.CreatedAt), "Created", LeadFieldKind.Timestamp)
    {
        CsvAliases = ["created"], Tracked = false, Get = l => l.CreatedAt,
    };

    public static readonly LeadField<DateTime?, string?> LastActivityAt = new("lastActivityAt", nameof(Lead.LastActivityAt), "Last activity", LeadFieldKind.Timestamp)
    {
        Tracked = false, Get = l => l.LastActivityAt,
    };

    /// <summary>The earliest open reminder or scheduled activity (Reminders keeps it).</summary>
    public static readonly LeadField<DateTime?, string?> NextFollowUpAt = new("nextFollowUpAt", nameof(Lead.NextFollowUpAt), "Next follow-up", LeadFieldKind.Timestamp)
    {
        Get = l => l.NextFollowUpAt,
    };

    public static readonly LeadField<string?, JsonObject?> CustomFields = new("customFields", nameof(Lead.CustomFields), "Custom fields", LeadFieldKind.Json)
    {
        Exported = false, Mergeable = true,
        Get = l => l.CustomFields, Set = (l, v) => l.CustomFields = v, GetInput = i => i.CustomFields, SetInput = (i, v) => i.CustomFields = v,
        ToInput = v => v is null ? null : JsonNode.Parse(v) as JsonObject,
    };

    public static readonly LeadField<string?, string?> Photo = new("photo", nameof(Lead.PhotoPath), "Photo", LeadFieldKind.Photo)
    {
        MaxLength = 300, Exported = false, Get = l => l.PhotoPath,
    };

    /// <summary>When a note marked the lead closed.</summary>
    public static readonly LeadField<DateTime?, string?> ClosedAt = new("closedAt", nameof(Lead.ClosedAt), "Closed", LeadFieldKind.Timestamp)
    {
        Exported = false, Get = l => l.ClosedAt,
    };

    public static readonly LeadField<DateTime?, string?> ReservedAt = new("reservedAt", nameof(Lead.ReservedAt), "Reserved", LeadFieldKind.Timestamp)
    {
        Exported = false, Get = l => l.ReservedAt,
    };

    /// <summary>The API says archived: true; the column keeps when.</summary>
    public static readonly LeadField<DateTime?, string?> Archived = new("archived", nameof(Lead.ArchivedAt), "Archived", LeadFieldKind.Timestamp)
    {
        Exported = false, Get = l => l.ArchivedAt,
    };

    public static readonly LeadField<int?, int?> MergedInto = new("mergedIntoId", nameof(Lead.MergedIntoId), "Merged into", LeadFieldKind.LeadLink)
    {
        Exported = false, Get = l => l.MergedIntoId,
    };

    /// <summary>Every built-in field, in the export's column order.</summary>
    public static readonly IReadOnlyList<LeadField> All =
    [
        Id, Code, Name, Company, Title, Email, Phone, Mobile, Website, Source, SourceDetail, Stage, Status, LostReason, Owner, Score, Tags,
        LifecycleStage, Active, Primary, Industry, CompanySize, Street, City, State, PostalCode, Country, Gender, DateOfBirth, MaritalStatus,
        AccountType, RelationshipType, LoyaltyLevel, Linkedin, Twitter, Facebook, Instagram, CreatedAt, LastActivityAt, NextFollowUpAt,
        CustomFields, Photo, ClosedAt, ReservedAt, Archived, MergedInto,
    ];

    /// <summary>
    /// Lead columns that are no field of their own: derived from fields (normalised e-mail and phones, contact info, the
    /// stage's pipeline, the lead flow) or bookkeeping (version, timestamps, board position).
    /// </summary>
    public static readonly IReadOnlySet<string> DerivedColumns = new HashSet<string>
    {
        nameof(Lead.WorkspaceId), nameof(Lead.EmailNormalized), nameof(Lead.PhoneE164), nameof(Lead.PhoneDigits), nameof(Lead.MobileE164),
        nameof(Lead.MobileDigits), nameof(Lead.PipelineId), nameof(Lead.Position), nameof(Lead.StageChangedAt), nameof(Lead.HasContactInfo),
        nameof(Lead.LeadFlow), nameof(Lead.FirstResponseAt), nameof(Lead.Version), nameof(Lead.UpdatedAt),
        // set by how the lead came in and by its conversation (Lead.RecordInbound), never typed into the lead's form
        nameof(Lead.IntakeMode), nameof(Lead.Enquiry), nameof(Lead.LastInboundAt), nameof(Lead.WhatsappInboundAt),
        nameof(Lead.ReferralSource), nameof(Lead.ReferralAdId), nameof(Lead.ReferralCtwaClid),
        // marked with the job's outcome and moved by review requests (Reviews/), never typed into the lead's form
        nameof(Lead.JobOutcome), nameof(Lead.JobOutcomeAt), nameof(Lead.ReviewRequestStatus), nameof(Lead.ReviewRequestAt),
        // the response discipline (Inbox/): set by messages, the sweeper, and by hand through its own request shape (nextAction)
        nameof(Lead.SlaState), nameof(Lead.SlaDueAt), nameof(Lead.AwaitingReplySince), nameof(Lead.NextActionType), nameof(Lead.NextActionDueAt),
    };

    /// <summary>
    /// Free-text fields without a rule of their own beyond length and plain text (not name, code, e-mail, phones, website,
    /// country): the writer validates and sets them in one loop.
    /// </summary>
    public static readonly IReadOnlyList<LeadField<string?, string?>> PlainTexts =
        [.. All.OfType<LeadField<string?, string?>>().Where(f => f.Kind is LeadFieldKind.Text or LeadFieldKind.Choice && !f.Required && !f.Unique && f.Set is not null && f.GetInput is not null)
            .Concat(All.OfType<LeadField<string?, string?>>().Where(f => f.Group == "social"))];

    /// <summary>The fields the lead list can show as optional columns, in the catalog's order.</summary>
    public static readonly IReadOnlyList<LeadField> ListColumns = [.. All.Where(f => f.ListColumn)];

    /// <summary>The names a merge can choose a value for (address and social whole), in the catalog's order.</summary>
    public static readonly IReadOnlyList<string> MergeChoices = [.. All.Where(f => f.Mergeable).Select(f => f.MergeName).Distinct()];

    /// <summary>The CSV columns an export writes but an import cannot set (id, status, dates kept by the app).</summary>
    public static readonly IReadOnlySet<string> ExportOnly = All.Where(f => f.CsvHeader is not null && !f.Writable).Select(f => f.CsvHeader!).ToFrozenSet();

    private static readonly FrozenDictionary<string, LeadField> ByAnyName = All
        .SelectMany(f => new[] { (f.Name, f), (f.HistoryName, f), (f.CsvHeader ?? f.Name, f), (f.FilterParameter ?? f.Name, f) })
        .DistinctBy(p => p.Item1).ToFrozenDictionary(p => p.Item1, p => p.Item2);

    private static readonly FrozenDictionary<string, LeadField> ByProperty = All.ToFrozenDictionary(f => f.Property);

    /// <summary>The field an API name, path, history field or CSV header names ("email", "address.city", "city", "stage"), or null.</summary>
    public static LeadField? Find(string name) => ByAnyName.GetValueOrDefault(name);

    /// <summary>The field stored in a <see cref="Lead"/> property, or null for a derived or bookkeeping column.</summary>
    public static LeadField? ForProperty(string property) => ByProperty.GetValueOrDefault(property);

    /// <summary>The plain-text fields of a group ("address"), in order.</summary>
    public static IEnumerable<LeadField<string?, string?>> PlainTextsIn(string group) => PlainTexts.Where(f => f.Group == group);

    /// <summary>A value as the export and the history write it: ISO times in UTC, true/false, camelCase choices, tags joined by ;.</summary>
    public static string? Format(object? value) => value switch
    {
        null => null,
        string s => s,
        IEnumerable<string> list => string.Join(";", list),
        DateTime d => d.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        Enum e => Camel(e.ToString()),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static string? Same(string? value) => value;

    private static (string? Value, bool Present, string? Error) Cell(string? cell) => (cell, true, null);

    // an empty number or yes/no cell leaves the field as it is
    private static (int? Value, bool Present, string? Error) WholeNumber(string? cell) =>
        cell is null ? (null, false, null)
        : int.TryParse(cell, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? (n, true, null)
        : (null, false, "is not a whole number.");

    private static (bool? Value, bool Present, string? Error) YesNo(string? cell) => cell?.ToLowerInvariant() switch
    {
        null => (null, false, null),
        "true" or "yes" or "1" or "y" => (true, true, null),
        "false" or "no" or "0" or "n" => (false, true, null),
        _ => (null, false, "is not yes/no."),
    };

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
