using System.Globalization;
using Leadline.Common.Api;

namespace Leadline.Leads.Pages;

/// <summary>The lead form's fields as typed (strings), turned into a <see cref="LeadInput"/> for <see cref="LeadWriter"/>.</summary>
public sealed class LeadFormModel
{
    /// <summary>New leads only: manual, phone or walkIn (how the enquiry reached us).</summary>
    public string? IntakeMode { get; set; } = "manual";

    public string? Name { get; set; }
    public string? Company { get; set; }
    public string? Title { get; set; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
    public string? Mobile { get; set; }
    public string? Website { get; set; }
    public string? Source { get; set; } = "other";
    public string? SourceDetail { get; set; }
    public string? StageId { get; set; }
    public string? LostReason { get; set; }
    public string? OwnerId { get; set; }
    public string? Score { get; set; } = "0";
    public string? Tags { get; set; }
    public string? LifecycleStage { get; set; }
    public bool Active { get; set; } = true;
    public bool Primary { get; set; }
    public string? Code { get; set; }
    public string? Industry { get; set; }
    public string? CompanySize { get; set; }
    public string? Street { get; set; }
    public string? City { get; set; }
    public string? State { get; set; }
    public string? PostalCode { get; set; }
    public string? Country { get; set; }
    public string? Gender { get; set; }
    public string? DateOfBirth { get; set; }
    public string? MaritalStatus { get; set; }
    public string? AccountType { get; set; }
    public string? RelationshipType { get; set; }
    public string? LoyaltyLevel { get; set; }
    public string? Linkedin { get; set; }
    public string? Twitter { get; set; }
    public string? Facebook { get; set; }
    public string? Instagram { get; set; }
    public int Version { get; set; }

    /// <summary>Custom fields as typed, by key (posted as <c>Model.Custom[key]</c>); a multi-choice field's ticked options as <c>key.index</c>.</summary>
    public Dictionary<string, string?> Custom { get; set; } = [];

    private static readonly HashSet<string> AllPaths =
    [
        "name", "company", "title", "email", "phone", "mobile", "website", "source", "sourceDetail", "stageId", "lostReason", "ownerId", "score", "tags",
        "lifecycleStage", "active", "primary", "code", "industry", "companySize", "address", "address.street", "address.city", "address.state",
        "address.postalCode", "address.country", "gender", "dateOfBirth", "maritalStatus", "accountType", "relationshipType", "loyaltyLevel",
        "social", "social.linkedin", "social.twitter", "social.facebook", "social.instagram",
    ];

    public (LeadInput Input, HashSet<string> Present, Errors Errors) ToInput() => ToInput([]);

    /// <summary>As above, with every custom field the form shows: each is set (or cleared) from what was typed.</summary>
    public (LeadInput Input, HashSet<string> Present, Errors Errors) ToInput(IReadOnlyList<CustomFields.CustomField> customFields)
    {
        var errors = new Errors();
        int? Number(string field, string? text, string label)
        {
            if (string.IsNullOrWhiteSpace(text))
                return null;
            if (int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
                return n;
            errors.Add(field, $"{label} must be a whole number.");
            return null;
        }
        var present = new HashSet<string>(AllPaths);
        var input = new LeadInput
        {
            Name = Name, Company = Company, Title = Title, Email = Email, Phone = Phone, Mobile = Mobile, Website = Website, Source = Source,
            SourceDetail = SourceDetail, StageId = Number("stageId", StageId, "Stage"), LostReason = LostReason, OwnerId = Number("ownerId", OwnerId, "Owner"),
            Score = Number("score", Score, "Score") ?? 0, Tags = (Tags ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(),
            LifecycleStage = LifecycleStage, Active = Active, Primary = Primary, Code = Code, Industry = Industry,
            CompanySize = Number("companySize", CompanySize, "Company size"),
            Address = new AddressInput { Street = Street, City = City, State = State, PostalCode = PostalCode, Country = Country },
            Gender = Gender, DateOfBirth = DateOfBirth, MaritalStatus = MaritalStatus, AccountType = AccountType, RelationshipType = RelationshipType,
            LoyaltyLevel = LoyaltyLevel,
            Social = new SocialInput { Linkedin = Linkedin, Twitter = Twitter, Facebook = Facebook, Instagram = Instagram },
        };
        if (input.StageId is null)
            present.Remove("stageId");   // a new lead without a chosen stage starts in the first New stage
        if (customFields.Count > 0)
        {
            input.CustomFields = [];
            foreach (var field in customFields)
            {
                input.CustomFields[field.Key] = field.Type == CustomFields.CustomFieldType.MultiChoice
                    ? new System.Text.Json.Nodes.JsonArray([.. field.Options.Where((_, i) => Ticked(field.Key + "." + i)).Select(o => (System.Text.Json.Nodes.JsonNode)System.Text.Json.Nodes.JsonValue.Create(o))])
                    : Custom.GetValueOrDefault(field.Key) is { } typed ? System.Text.Json.Nodes.JsonValue.Create(typed) : null;
            }
            present.Add("customFields");
        }
        return (input, present, errors);
    }

    private bool Ticked(string name) => Custom.GetValueOrDefault(name) is "on" or "true";

    /// <summary>The lead's values as the form shows them.</summary>
    public static LeadFormModel From(Lead l, IReadOnlyList<CustomFields.CustomField> customFields)
    {
        var model = From(l);
        var values = CustomFields.CustomFieldValues.Read(l.CustomFields);
        foreach (var field in customFields)
        {
            if (values[field.Key] is System.Text.Json.Nodes.JsonArray chosen)
            {
                var held = chosen.Select(CustomFields.CustomFieldValues.Text).ToHashSet(StringComparer.Ordinal);
                for (var i = 0; i < field.Options.Count; i++)
                    if (held.Contains(field.Options[i]))
                        model.Custom[field.Key + "." + i] = "on";
            }
            else
            {
                model.Custom[field.Key] = CustomFields.CustomFieldValues.Text(values[field.Key]);
            }
        }
        return model;
    }

    public static LeadFormModel From(Lead l) => new()
    {
        Name = l.Name, Company = l.Company, Title = l.Title, Email = l.Email, Phone = l.Phone, Mobile = l.Mobile, Website = l.Website,
        Source = char.ToLowerInvariant(l.Source.ToString()[0]) + l.Source.ToString()[1..], SourceDetail = l.SourceDetail,
        StageId = l.StageId.ToString(CultureInfo.InvariantCulture), LostReason = l.LostReason, OwnerId = l.OwnerId?.ToString(CultureInfo.InvariantCulture),
        Score = l.Score.ToString(CultureInfo.InvariantCulture), Tags = string.Join(", ", l.Tags), LifecycleStage = l.LifecycleStage, Active = l.Active,
        Primary = l.Primary, Code = l.Code, Industry = l.Industry, CompanySize = l.CompanySize?.ToString(CultureInfo.InvariantCulture), Street = l.Street,
        City = l.City, State = l.State, PostalCode = l.PostalCode, Country = l.Country, Gender = l.Gender,
        DateOfBirth = l.DateOfBirth?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), MaritalStatus = l.MaritalStatus, AccountType = l.AccountType,
        RelationshipType = l.RelationshipType, LoyaltyLevel = l.LoyaltyLevel, Linkedin = l.Linkedin, Twitter = l.Twitter, Facebook = l.Facebook,
        Instagram = l.Instagram, Version = l.Version,
    };
}
