using Leadline.Common.Api;
using Leadline.Pipeline;
using Microsoft.OpenApi;

namespace Leadline.Leads;

/// <summary>
/// Every list filter of the API, parsed from the query string; the Leads page uses the same names in its URL,
/// so a filtered page is a link (<c>/leads?status=new&amp;hot=true</c>).
/// </summary>
public sealed record LeadFilter
{
    public StageCategory? Status { get; init; }
    public int? StageId { get; init; }
    public string? Owner { get; init; }
    public bool Hot { get; init; }
    public bool Enterprise { get; init; }
    public bool? Primary { get; init; }
    public string? Created { get; init; }
    public LeadSource? Source { get; init; }
    public bool? Active { get; init; }
    public bool? HasInfo { get; init; }
    public string? Gender { get; init; }
    public string? MaritalStatus { get; init; }
    public int? AgeMin { get; init; }
    public int? AgeMax { get; init; }
    public string? State { get; init; }
    public string? PostalCode { get; init; }
    public string? AccountType { get; init; }
    public string? Tag { get; init; }
    public string? LifecycleStage { get; init; }
    public string? LoyaltyLevel { get; init; }
    public string? RelationshipType { get; init; }
    public string? Company { get; init; }
    public string? Country { get; init; }
    public string? City { get; init; }
    public string? FollowUp { get; init; }
    /// <summary>open | closed: the WhatsApp 24-hour customer-service window (closed includes never opened).</summary>
    public string? WhatsappWindow { get; init; }
    /// <summary>none | due | met | breached: the first-response SLA's state now (a passed due time is breached).</summary>
    public SlaState? Sla { get; init; }
    public LeadFlowStatus? LeadFlow { get; init; }
    public int? ListId { get; init; }
    public string? Q { get; init; }
    public LeadSort Sort { get; init; } = LeadSort.CreatedDesc;
    public bool Archived { get; init; }

    /// <summary>Filters on custom fields (<c>cf.key=value</c>, <c>cf.key.min=</c>, <c>cf.key.max=</c>), checked against the definitions by <see cref="LeadQueries.ParseAsync"/>.</summary>
    public IReadOnlyList<CustomFields.CustomFieldCondition> Custom { get; init; } = NoCustom;

    /// <summary>The one empty <see cref="Custom"/>: records compare lists by reference.</summary>
    public static readonly IReadOnlyList<CustomFields.CustomFieldCondition> NoCustom = [];

    public const int HotScore = 75;
    public const int EnterpriseEmployees = 1000;

    /// <summary>A field's filter as the catalog describes it (<see cref="LeadField.Filter"/>).</summary>
    private static QueryParameter For(LeadField field) => field.Kind switch
    {
        LeadFieldKind.Status => QueryParameter.OneOf<StageCategory>(field.FilterParameter!, field.Filter!),
        LeadFieldKind.Source => QueryParameter.OneOf<LeadSource>(field.FilterParameter!, field.Filter!),
        LeadFieldKind.Boolean => new(field.FilterParameter!, JsonSchemaType.Boolean, field.Filter!),
        LeadFieldKind.Stage or LeadFieldKind.Number => new(field.FilterParameter!, JsonSchemaType.Integer, field.Filter!),
        _ => new(field.FilterParameter!, JsonSchemaType.String, field.Filter!),
    };

    /// <summary>
    /// Every query key <see cref="Parse"/> reads, described once (a field's filter in the catalog): the OpenAPI document
    /// lists these for the list and the export, and <see cref="ToQuery"/> writes them in this order.
    /// </summary>
    public static readonly IReadOnlyList<QueryParameter> Parameters =
    [
        For(LeadFields.Status),
        For(LeadFields.Stage),
        For(LeadFields.Owner),
        new("hot", JsonSchemaType.Boolean, $"true: only leads scoring {HotScore} or more."),
        new("enterprise", JsonSchemaType.Boolean, $"true: only companies of {EnterpriseEmployees} employees or more, or of account type enterprise."),
        For(LeadFields.Primary),
        new("created", JsonSchemaType.String, "Created today, this week or this month (the workspace's time zone).", ["today", "week", "month"]),
        For(LeadFields.Source),
        For(LeadFields.Active),
        new("hasInfo", JsonSchemaType.Boolean, "Leads with an e-mail, phone, mobile or website (true) or with none of them (false)."),
        For(LeadFields.Gender),
        For(LeadFields.MaritalStatus),
        new("ageMin", JsonSchemaType.Integer, "Youngest age in years, from the date of birth."),
        new("ageMax", JsonSchemaType.Integer, "Oldest age in years, from the date of birth."),
        For(LeadFields.State),
        For(LeadFields.PostalCode),
        For(LeadFields.AccountType),
        For(LeadFields.Tags),
        For(LeadFields.LifecycleStage),
        For(LeadFields.LoyaltyLevel),
        For(LeadFields.RelationshipType),
        For(LeadFields.Company),
        For(LeadFields.Country),
        For(LeadFields.City),
        new("followUp", JsonSchemaType.String, "Leads whose next follow-up is due today, or is overdue.", ["today", "overdue"]),
        new("whatsappWindow", JsonSchemaType.String, "Leads whose WhatsApp 24-hour window is open, or closed (or never opened).", ["open", "closed"]),
        QueryParameter.OneOf<SlaState>("sla", "The first-response SLA: none, due (a reply is owed, not late yet), met or breached."),
        QueryParameter.OneOf<LeadFlowStatus>("leadFlow", "Where the lead is in its flow: not started, in progress or completed."),
        new("listId", JsonSchemaType.Integer, "Members of this marketing list."),
        new("q", JsonSchemaType.String, "Search in name, company, e-mail and phone."),
        new("sort", JsonSchemaType.String, "Order of the results; a leading - sorts descending. Default -created.",
            ["created", "-created", "score", "-score", "name", "-name", "lastActivity", "-lastActivity", "slaDue"]),
        new("archived", JsonSchemaType.Boolean, "true: archived leads instead of the current ones."),
    ];

    private static readonly string[] Names = [.. Parameters.Select(p => p.Name)];

    /// <summary><see cref="Parameters"/> and the custom-field filters, for the OpenAPI document.</summary>
    public static readonly IReadOnlyList<QueryParameter> Documented =
    [
        .. Parameters,
        new("cf.{key}", JsonSchemaType.String, "A custom field's value (GET /api/v1/custom-fields lists the keys): a choice or text exactly, a multi-choice field holding this choice, true or false, a number or a YYYY-MM-DD date. Unknown keys: 400."),
        new("cf.{key}.min", JsonSchemaType.String, "The least value of a number or date custom field."),
        new("cf.{key}.max", JsonSchemaType.String, "The greatest value of a number or date custom field."),
    ];

    /// <summary>Reads the filter from a query string; bad values come back as field errors (400), unknown names are ignored.</summary>
    public static (LeadFilter Filter, Errors Errors) Parse(IQueryCollection query)
    {
        var errors = new Errors();
        // a NUL in a text filter reached PostgreSQL as a 500: refused here like any other bad value
        foreach (var name in Names)
        {
            if (query.TryGetValue(name, out var raw))
                errors.CheckPlainText(name, raw.ToString(), name);
        }
        if (errors.Any)
            return (new LeadFilter(), errors);
        string? S(string name) => query.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v.ToString()) ? v.ToString().Trim() : null;
        bool? B(string name)
        {
            var v = S(name);
            if (v is null)
                return null;
            if (bool.TryParse(v, out var b))
                return b;
            errors.Add(name, $"{name} must be true or false.");
            return null;
        }
        int? I(string name)
        {
            var v = S(name);
            if (v is null)
                return null;
            if (int.TryParse(v, out var i))
                return i;
            errors.Add(name, $"{name} must be a whole number.");
            return null;
        }
        T? E<T>(string name) where T : struct, Enum
        {
            var v = S(name);
            if (v is null)
                return null;
            if (!v.All(char.IsAsciiDigit) && Enum.TryParse<T>(v, ignoreCase: true, out var e))
                return e;
            errors.Add(name, $"Unknown {name} '{v}'.");
            return null;
        }
        string? OneOf(string name, params string[] allowed)
        {
            var v = S(name);
            if (v is null)
                return null;
            var match = allowed.FirstOrDefault(a => string.Equals(a, v, StringComparison.OrdinalIgnoreCase));
            if (match is null)
                errors.Add(name, $"{name} must be one of: {string.Join(", ", allowed)}.");
            return match;
        }

        var owner = S("owner");
        if (owner is not null && owner != "me" && owner != "unassigned" && !int.TryParse(owner, out _))
        {
            errors.Add("owner", "owner must be me, unassigned or a user id.");
            owner = null;   // a page shows the error and the list without this filter
        }
        var sort = S("sort") switch
        {
            null or "-created" => LeadSort.CreatedDesc,
            "created" => LeadSort.Created,
            "score" => LeadSort.Score,
            "-score" => LeadSort.ScoreDesc,
            "name" => LeadSort.Name,
            "-name" => LeadSort.NameDesc,
            "lastActivity" => LeadSort.LastActivity,
            "-lastActivity" => LeadSort.LastActivityDesc,
            "slaDue" => LeadSort.SlaDue,
            var other => Invalid(other),
        };
        LeadSort Invalid(string other)
        {
            errors.Add("sort", $"Unknown sort '{other}'. Use created, -created, score, -score, name, -name, lastActivity, -lastActivity or slaDue.");
            return LeadSort.CreatedDesc;
        }

        var filter = new LeadFilter
        {
            Status = E<StageCategory>("status"),
            StageId = I("stageId"),
            Owner = owner,
            Hot = B("hot") ?? false,
            Enterprise = B("enterprise") ?? false,
            Primary = B("primary"),
            Created = OneOf("created", "today", "week", "month"),
            Source = E<LeadSource>("source"),
            Active = B("active"),
            HasInfo = B("hasInfo"),
            Gender = S("gender")?.ToLowerInvariant(),
            MaritalStatus = S("maritalStatus")?.ToLowerInvariant(),
            AgeMin = I("ageMin"),
            AgeMax = I("ageMax"),
            State = S("state"),
            PostalCode = S("postalCode"),
            AccountType = S("accountType")?.ToLowerInvariant(),
            Tag = S("tag")?.ToLowerInvariant(),
            LifecycleStage = S("lifecycleStage"),
            LoyaltyLevel = S("loyaltyLevel")?.ToLowerInvariant(),
            RelationshipType = S("relationshipType")?.ToLowerInvariant(),
            Company = S("company"),
            Country = S("country")?.ToUpperInvariant(),
            City = S("city"),
            FollowUp = OneOf("followUp", "today", "overdue"),
            WhatsappWindow = OneOf("whatsappWindow", "open", "closed"),
            Sla = E<SlaState>("sla"),
            LeadFlow = E<LeadFlowStatus>("leadFlow"),
            ListId = I("listId"),
            Q = S("q"),
            Sort = sort,
            Archived = B("archived") ?? false,
            Custom = CustomFields.CustomFieldCondition.Parse(query, errors),
        };
        return (filter, errors);
    }

    /// <summary>The filter as query-string pairs (for links, export and paging), in a stable order.</summary>
    public IEnumerable<KeyValuePair<string, string>> ToQuery()
    {
        static string Camel(string s) => char.ToLowerInvariant(s[0]) + s[1..];
        var values = new Dictionary<string, string?>
        {
            ["status"] = Status is { } st ? Camel(st.ToString()) : null,
            ["stageId"] = StageId?.ToString(),
            ["owner"] = Owner,
            ["hot"] = Hot ? "true" : null,
            ["enterprise"] = Enterprise ? "true" : null,
            ["primary"] = Primary?.ToString().ToLowerInvariant(),
            ["created"] = Created,
            ["source"] = Source is { } so ? Camel(so.ToString()) : null,
            ["active"] = Active?.ToString().ToLowerInvariant(),
            ["hasInfo"] = HasInfo?.ToString().ToLowerInvariant(),
            ["gender"] = Gender,
            ["maritalStatus"] = MaritalStatus,
            ["ageMin"] = AgeMin?.ToString(),
            ["ageMax"] = AgeMax?.ToString(),
            ["state"] = State,
            ["postalCode"] = PostalCode,
            ["accountType"] = AccountType,
            ["tag"] = Tag,
            ["lifecycleStage"] = LifecycleStage,
            ["loyaltyLevel"] = LoyaltyLevel,
            ["relationshipType"] = RelationshipType,
            ["company"] = Company,
            ["country"] = Country,
            ["city"] = City,
            ["followUp"] = FollowUp,
            ["whatsappWindow"] = WhatsappWindow,
            ["sla"] = Sla is { } sla ? Camel(sla.ToString()) : null,
            ["leadFlow"] = LeadFlow is { } flow ? Camel(flow.ToString()) : null,
            ["listId"] = ListId?.ToString(),
            ["q"] = Q,
            ["sort"] = Sort switch
            {
                LeadSort.CreatedDesc => null,
                LeadSort.Created => "created",
                LeadSort.Score => "score",
                LeadSort.ScoreDesc => "-score",
                LeadSort.Name => "name",
                LeadSort.NameDesc => "-name",
                LeadSort.LastActivity => "lastActivity",
                LeadSort.LastActivityDesc => "-lastActivity",
                LeadSort.SlaDue => "slaDue",
                _ => null,
            },
            ["archived"] = Archived ? "true" : null,
        };
        return Names.Where(n => values[n] is not null).Select(n => new KeyValuePair<string, string>(n, values[n]!))
            .Concat(Custom.Select(c => new KeyValuePair<string, string>(c.Parameter, c.Value)));
    }
}
