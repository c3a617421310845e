using System.Net;
using System.Data.Common;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Leadline.Data;
using Leadline.Duplicates;
using Leadline.Leads;
using Leadline.Common;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace Leadline.Tests.Leads;

/// <summary>
/// The field catalog (<see cref="LeadFields"/>) against what it describes: the leads table the SQL scripts build, the EF
/// model, the CSV columns, the merge choices, the list filters and the writer's rules. A built-in field added to the
/// entity and a script but not to the catalog (or the other way round) fails here.
/// </summary>
public sealed class LeadFieldCatalogTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Every_column_of_leads_is_a_catalog_field_or_a_declared_derived_one(Db kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = new LeadlineDb(database.Options());
        await new DatabaseMigrator(db, database.DatabaseOptions(), TimeProvider.System, NullLogger<DatabaseMigrator>.Instance).MigrateAsync();
        var entity = db.Model.FindEntityType(typeof(Lead))!;
        var table = await ColumnsAsync(db.Database.GetDbConnection(), kind);

        // every column the scripts made belongs to a property, which is a field of the catalog or declared derived
        foreach (var (column, _) in table)
        {
            var property = entity.GetProperties().FirstOrDefault(p => p.GetColumnName() == column);
            Assert.True(property is not null, $"leads.{column} is no property of Lead");
            Assert.True(LeadFields.ForProperty(property.Name) is not null || LeadFields.DerivedColumns.Contains(property.Name),
                $"Lead.{property.Name} is neither in the catalog (LeadFields) nor in LeadFields.DerivedColumns");
        }
        Assert.DoesNotContain(LeadFields.DerivedColumns, name => LeadFields.ForProperty(name) is not null);

        // every field is a column, as long as the catalog says (PostgreSQL keeps the length in the table; SQLite in the model)
        foreach (var field in LeadFields.All)
        {
            var property = entity.FindProperty(field.Property);
            Assert.True(property is not null, $"{field.Name}: Lead has no property {field.Property}");
            Assert.True(table.ContainsKey(property.GetColumnName()), $"{field.Name}: the scripts made no column {property.GetColumnName()}");
            if (field.MaxLength is { } max)
            {
                Assert.Equal((field.Name, (int?)max), (field.Name, property.GetMaxLength()));
                if (kind == Db.Postgres)
                    Assert.Equal((field.Name, (int?)max), (field.Name, table[property.GetColumnName()]));
            }
            if (field.Required)
                Assert.False(property.IsNullable, $"{field.Name} is required but its column takes null");
        }
    }

    [Fact]
    public void Fields_are_named_once_and_a_name_finds_its_field()
    {
        Assert.Equal(LeadFields.All.Count, LeadFields.All.Select(f => f.Name).Distinct().Count());
        Assert.Equal(LeadFields.All.Count, LeadFields.All.Select(f => f.Property).Distinct().Count());
        var headers = LeadFields.All.Select(f => f.CsvHeader).OfType<string>().ToList();
        Assert.Equal(headers.Count, headers.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        foreach (var field in LeadFields.All)
        {
            Assert.Same(field, LeadFields.Find(field.Name));
            Assert.Same(field, LeadFields.Find(field.HistoryName));
            Assert.Equal(field.Label, LeadFieldLabels.For(field.HistoryName));
            Assert.Equal(field.Label, LeadFieldLabels.For(field.Name));
        }
    }

    [Fact]
    public void Export_headers_and_their_aliases_map_back_to_the_same_field_on_import()
    {
        var headers = LeadCsv.Columns.Select(c => c.Header).ToList();
        Assert.Equal(LeadFields.All.Where(f => f.Exported).Select(f => f.CsvHeader), headers);

        var map = ImportRows.MapHeader(headers);

        // each writable column comes back to itself; the ones the app keeps (id, status, dates) are left out
        foreach (var (header, i) in headers.Select((h, i) => (h, i)))
        {
            var field = LeadFields.Find(header)!;
            Assert.Equal(field.Writable ? header : null, map.GetValueOrDefault(i));
            Assert.Equal(header, LeadCsv.Canonical(header.ToUpperInvariant()));
            foreach (var alias in field.CsvAliases)
                Assert.Equal((alias, header), (alias, LeadCsv.Canonical(alias)));
        }
        Assert.Equal(["id", "status", "createdAt", "lastActivityAt", "nextFollowUpAt"], LeadFields.ExportOnly.OrderBy(h => headers.IndexOf(h)));
    }

    [Fact]
    public void A_value_exported_reads_back_into_the_input_a_merge_would_copy()
    {
        var lead = new Lead
        {
            Id = 7, Code = "L-7", Name = "Ada Lovelace", Company = "Analytical", Title = "Countess", Email = "ada@example.com", Website = "ada.example",
            Source = LeadSource.WebForm, SourceDetail = "Expo", StageId = 3, LostReason = "Too early", OwnerId = 4, Score = 81, Tags = ["vip", "math"],
            LifecycleStage = "lead", Active = false, Primary = true, Industry = "Computing", CompanySize = 120, Street = "1 St James's Sq",
            City = "London", State = "Greater London", PostalCode = "SW1Y 4JH", Country = "GB", Gender = "female", DateOfBirth = new DateOnly(1815, 12, 10),
            MaritalStatus = "married", AccountType = "enterprise", RelationshipType = "partner", LoyaltyLevel = "gold", Linkedin = "in/ada",
            Twitter = "@ada", Facebook = "ada.fb", Instagram = "ada.ig", CustomFields = "{\"shoe\":38}",
        };
        lead.SetPhone(PhoneNumbers.Read("+44 20 7946 0958", "DE"));
        var context = new LeadCsv.CsvContext(new Dictionary<int, string> { [3] = "Won" }, new Dictionary<int, string> { [4] = "o@example.com" });

        foreach (var field in LeadFields.All.Where(f => f.ReadsCsv))
        {
            var imported = new LeadInput();
            var (present, error) = field.ReadCsv(imported, field.Export(lead, context));
            Assert.Null(error);
            Assert.True(present, field.Name);
            var merged = new LeadInput();
            field.CopyToInput(lead, merged);
            Assert.Equal((field.Name, JsonSerializer.Serialize(merged)), (field.Name, JsonSerializer.Serialize(imported)));
        }
        Assert.Equal("Won", LeadFields.Stage.Export(lead, context));
        Assert.Equal("o@example.com", LeadFields.Owner.Export(lead, context));
        Assert.Equal("vip;math", LeadFields.Tags.Export(lead, context));

        var bad = new LeadInput();
        Assert.Equal((false, "score: 'lots' is not a whole number."), LeadFields.Score.ReadCsv(bad, " lots "));
        Assert.Equal((false, "active: 'maybe' is not yes/no."), LeadFields.Active.ReadCsv(bad, "maybe"));
        Assert.Equal((false, null), LeadFields.CompanySize.ReadCsv(bad, " "));   // an empty number leaves the field alone
        Assert.Equal((true, null), LeadFields.Company.ReadCsv(bad, " "));        // an empty text clears it
    }

    [Fact]
    public void Merge_choices_filters_and_the_writers_text_loop_come_from_the_catalog()
    {
        Assert.Equal(
            ["name", "company", "title", "email", "phone", "mobile", "website", "source", "sourceDetail", "ownerId", "score", "lifecycleStage",
             "industry", "companySize", "address", "gender", "dateOfBirth", "maritalStatus", "accountType", "relationshipType", "loyaltyLevel",
             "social", "customFields"],
            LeadMerger.Fields);
        foreach (var field in LeadFields.All.Where(f => f.Filter is not null))
            Assert.Contains(LeadFilter.Parameters, p => p.Name == field.FilterParameter && p.Description == field.Filter);
        Assert.Equal(
            ["company", "title", "sourceDetail", "lostReason", "lifecycleStage", "industry", "address.street", "address.city", "address.state",
             "address.postalCode", "gender", "maritalStatus", "accountType", "relationshipType", "loyaltyLevel", "social.linkedin", "social.twitter",
             "social.facebook", "social.instagram"],
            LeadFields.PlainTexts.Select(f => f.Name));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task The_writer_refuses_each_text_field_over_its_catalog_length_in_its_words(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        var id = (await ws.Admin.CreateLeadAsync(new { name = "Lena Length" })).GetProperty("id").GetInt32();
        var body = new JsonObject();
        foreach (var field in LeadFields.PlainTexts)
        {
            var target = field.Group is { } group ? (JsonObject)(body[group] ??= new JsonObject()) : body;
            target[field.Key] = new string('x', field.MaxLength!.Value + 1);
        }

        var errors = await (await ws.Admin.PatchAsJsonAsync($"/api/v1/leads/{id}", body)).ErrorsAsync();

        foreach (var field in LeadFields.PlainTexts)
            Assert.Equal($"{field.ErrorLabel} must be at most {field.MaxLength} characters.", errors.GetProperty(field.Name)[0].GetString());
        Assert.Equal("Relationship type", LeadFields.RelationshipType.ErrorLabel);   // the messages kept their words
        var lead = await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{id}");
        Assert.Equal(JsonValueKind.Null, lead.GetProperty("company").ValueKind);   // nothing half-written
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_merge_takes_the_chosen_values_from_the_catalog(Db db)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(db));
        Assert.Equal(HttpStatusCode.Created, (await ws.Admin.PostAsJsonAsync("/api/v1/custom-fields", new { key = "shoe", label = "Shoe size", type = "number" })).StatusCode);
        var survivor = (await ws.Admin.CreateLeadAsync(new { name = "Mia Merge", email = "mia@example.com", address = new { city = "Bonn" } })).GetProperty("id").GetInt32();
        var duplicate = (await ws.Admin.CreateLeadAsync(new
        {
            name = "Mia Merge", email = "mia.m@example.com", score = 64, source = "webForm", dateOfBirth = "1990-05-17",
            address = new { street = "Hauptstr. 1", city = "Köln", country = "DE" }, social = new { linkedin = "in/mia" },
            customFields = new { shoe = 38 }, tags = new[] { "vip" },
        })).GetProperty("id").GetInt32();

        var response = await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{survivor}/merge", new
        {
            duplicateIds = new[] { duplicate },
            fieldChoices = new Dictionary<string, int>
            {
                ["score"] = duplicate, ["source"] = duplicate, ["dateOfBirth"] = duplicate, ["address"] = duplicate, ["social"] = duplicate,
                ["customFields"] = duplicate, ["email"] = survivor,
            },
        });

        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var lead = await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{survivor}");
        Assert.Equal("mia@example.com", lead.GetProperty("email").GetString());
        Assert.Equal(64, lead.GetProperty("score").GetInt32());
        Assert.Equal("webForm", lead.GetProperty("source").GetString());
        Assert.Equal("1990-05-17", lead.GetProperty("dateOfBirth").GetString());
        Assert.Equal(("Hauptstr. 1", "Köln", "DE"), (lead.GetProperty("address").GetProperty("street").GetString(),
            lead.GetProperty("address").GetProperty("city").GetString(), lead.GetProperty("address").GetProperty("country").GetString()));
        Assert.Equal("in/mia", lead.GetProperty("social").GetProperty("linkedin").GetString());
        Assert.Equal(38, lead.GetProperty("customFields").GetProperty("shoe").GetInt32());
        Assert.Equal(["vip"], lead.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task The_detail_page_and_the_form_show_the_catalogs_labels_and_values(Db db)
    {
        var app = await fixture.For(db);
        var ws = await TestWorkspace.CreateAsync(app);
        var id = (await ws.Admin.CreateLeadAsync(new { name = "Paula Page", companySize = 1200, relationshipType = "Partner", dateOfBirth = "1990-05-17" }))
            .GetProperty("id").GetInt32();
        var browser = await CookieBrowser.SignInAsync(app, ws.AdminEmail);

        var details = System.Net.WebUtility.HtmlDecode(await browser.GetStringAsync($"/leads/{id}"));
        var form = System.Net.WebUtility.HtmlDecode(await browser.GetStringAsync($"/leads/{id}/edit"));

        Assert.Matches(@">Company size</dt>\s*<dd class=""col-sm-8"">1,200</dd>", details);
        Assert.Matches(@">Relationship</dt>\s*<dd class=""col-sm-8"">partner</dd>", details);
        Assert.Matches(@">Date of birth</dt>\s*<dd class=""col-sm-8"">17 May 1990</dd>", details);
        foreach (var field in new LeadField[] { LeadFields.CompanySize, LeadFields.Country, LeadFields.Title, LeadFields.Twitter })
        {
            Assert.Contains($"name=\"Model.{field.Property}\"", form, StringComparison.Ordinal);
            Assert.Contains(field.Label, form, StringComparison.Ordinal);
        }
        Assert.Contains("<span class=\"text-secondary small\">YYYY-MM-DD</span>", form, StringComparison.Ordinal);
    }

    /// <summary>The leads table's columns as the scripts made them, with their length where the database keeps one.</summary>
    private static async Task<Dictionary<string, int?>> ColumnsAsync(DbConnection connection, Db kind)
    {
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = kind == Db.Sqlite
            ? "SELECT name, NULL FROM pragma_table_info('leads')"
            : "SELECT column_name, character_maximum_length FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'leads'";
        await using var reader = await cmd.ExecuteReaderAsync();
        var columns = new Dictionary<string, int?>();
        while (await reader.ReadAsync())
            columns[reader.GetString(0)] = reader.IsDBNull(1) ? null : Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
        return columns;
    }
}
