using System.Diagnostics;
using System.Threading.Channels;
using Bogus;
using Leadline.Common;
using Leadline.Common.Security;
using Leadline.Data;
using Leadline.Pipeline;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Leads;

/// <summary>
/// <c>seed-demo --leads N [--workspace ID]</c>: realistic leads (Bogus) spread over the past year, with a progress bar.
/// Batches are generated on one thread while <see cref="LeadBulkWriter"/> writes the previous one (a transaction per
/// batch); every lead still gets its "created" history row.
/// </summary>
public sealed class DemoSeeder(LeadlineDb db, TimeProvider clock, CurrentUser user)
{
    private const int BatchSize = 20_000;

    private static readonly string[] Tags = ["vip", "expo", "newsletter", "b2b", "b2c", "referral", "call-back", "pricing", "demo-requested", "churn-risk"];
    private static readonly string[] Industries = ["Software", "Retail", "Healthcare", "Finance", "Education", "Manufacturing", "Logistics", "Hospitality", "Real estate", "Energy"];
    private static readonly string[] Countries = ["US", "GB", "DE", "FR", "ES", "IT", "NL", "BR", "IN", "AU"];
    private static readonly string[] LostReasons = ["No budget", "Chose a competitor", "No response", "Timing", "Not a fit"];

    public async Task<int> SeedAsync(int count, TextWriter progress, CancellationToken ct)
    {
        var stages = await db.Stages.AsNoTracking().Where(s => db.Pipelines.Any(p => p.Id == s.PipelineId && p.IsDefault)).OrderBy(s => s.Order).ToListAsync(ct);
        if (stages.Count == 0)
            throw new InvalidOperationException("The workspace has no default pipeline.");
        var owners = await db.Users.AsNoTracking().Where(u => u.IsActive).Select(u => u.Id).ToListAsync(ct);
        var country = (await db.Workspaces.AsNoTracking().FirstAsync(w => w.Id == db.CurrentWorkspaceId, ct)).DefaultCountry;
        var generator = new LeadGenerator(db.CurrentWorkspaceId, stages, owners, country, clock.GetUtcNow().UtcDateTime);
        var (userId, userName) = user.IsAuthenticated ? ((int?)user.Id, user.Name) : (null, "System");

        // a batch is generated while the previous one is written; at most three are in memory (writing, waiting, in the making)
        var batches = Channel.CreateBounded<List<Lead>>(1);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producer = Task.Run(async () =>
        {
            try
            {
                for (var made = 0; made < count; made += BatchSize)
                {
                    var size = Math.Min(BatchSize, count - made);
                    var batch = new List<Lead>(size);
                    for (var i = 0; i < size; i++)
                        batch.Add(generator.Next());
                    await batches.Writer.WriteAsync(batch, stop.Token);
                }
                batches.Writer.Complete();
            }
            catch (Exception ex)
            {
                batches.Writer.Complete(ex);
            }
        }, CancellationToken.None);

        try
        {
            await using var writer = await LeadBulkWriter.OpenAsync(db, ct);
            var watch = Stopwatch.StartNew();
            var done = 0;
            await foreach (var batch in batches.Reader.ReadAllAsync(ct))
            {
                await using (var tx = await db.Database.BeginTransactionAsync(ct))
                {
                    await writer.WriteAsync(batch, clock.GetUtcNow().UtcDateTime, userId, userName, ct);
                    await tx.CommitAsync(ct);
                }
                done += batch.Count;
                Draw(progress, done, count, watch.Elapsed);
            }
        }
        finally
        {
            await stop.CancelAsync();   // a failed write must not leave the generator waiting for room
            await producer;
        }
        await progress.WriteLineAsync();
        return count;
    }

    /// <summary>The demo data's distribution: one Bogus faker with a fixed seed, so every run makes the same leads.</summary>
    private sealed class LeadGenerator(int workspaceId, List<Stage> stages, List<int> owners, string country, DateTime now)
    {
        private readonly Faker _faker = new("en") { Random = new Randomizer(20261122) };
        private readonly Stage[] _stages = stages.ToArray();
        private readonly Dictionary<int, double> _positions = stages.ToDictionary(s => s.Id, _ => 0.0);
        private readonly LeadSource[] _sources = Enum.GetValues<LeadSource>();

        // stage weights: most leads are early in the funnel
        private readonly float[] _stageWeights = stages.Select(s => s.Category switch
        {
            StageCategory.New => 0.3f, StageCategory.Contacted => 0.12f, StageCategory.Working => 0.15f, StageCategory.Qualified => 0.1f,
            StageCategory.Unqualified => 0.08f, StageCategory.Converted => 0.08f, _ => 0.1f,
        }).ToArray();

        public Lead Next()
        {
            var faker = _faker;
            var first = faker.Name.FirstName();
            var last = faker.Name.LastName();
            var company = faker.Random.Bool(0.8f) ? faker.Company.CompanyName() : null;
            var stage = faker.Random.WeightedRandom(_stages, _stageWeights);
            var created = now - TimeSpan.FromMinutes(faker.Random.Int(0, 365 * 24 * 60));
            var hasEmail = faker.Random.Bool(0.85f);
            var phone = faker.Random.Bool(0.7f) ? PhoneFor(faker, "US") : null;
            var lead = new Lead
            {
                WorkspaceId = workspaceId,
                Name = $"{first} {last}",
                Company = company,
                Title = company is null ? null : faker.Name.JobTitle(),
                Email = hasEmail ? faker.Internet.Email(first, last).ToLowerInvariant() : null,
                Website = company is null || faker.Random.Bool(0.5f) ? null : faker.Internet.DomainName(),
                Source = faker.PickRandom(_sources),
                PipelineId = stage.PipelineId,
                StageId = stage.Id,
                Status = stage.Category,
                Position = _positions[stage.Id] += 1024,
                StageChangedAt = created + TimeSpan.FromDays(faker.Random.Double(0, Math.Max(0, (now - created).TotalDays))),
                LostReason = stage.Category == StageCategory.Lost ? faker.PickRandom(LostReasons) : null,
                OwnerId = owners.Count > 0 && faker.Random.Bool(0.75f) ? faker.PickRandom(owners) : null,
                Score = faker.Random.Int(0, 100),
                Tags = faker.Random.Bool(0.6f) ? faker.PickRandom(Tags, faker.Random.Int(1, 3)).ToList() : [],
                Active = faker.Random.Bool(0.9f),
                Primary = faker.Random.Bool(0.3f),
                Industry = company is null ? null : faker.PickRandom(Industries),
                CompanySize = company is null ? null : faker.Random.Bool(0.1f) ? faker.Random.Int(1000, 50000) : faker.Random.Int(1, 999),
                City = faker.Address.City(),
                State = faker.Address.StateAbbr(),
                PostalCode = faker.Address.ZipCode("#####"),
                Country = faker.Random.Bool(0.7f) ? country : faker.PickRandom(Countries),
                Gender = faker.PickRandom("female", "male", null),
                DateOfBirth = faker.Random.Bool(0.4f) ? DateOnly.FromDateTime(faker.Date.Past(50, now.AddYears(-18))) : null,
                MaritalStatus = faker.PickRandom("single", "married", null, null),
                AccountType = faker.PickRandom("enterprise", "smb", "individual", null),
                RelationshipType = faker.PickRandom("prospect", "customer", "partner", null),
                LoyaltyLevel = faker.PickRandom("bronze", "silver", "gold", null, null),
                CreatedAt = created,
                LastActivityAt = faker.Random.Bool(0.6f) ? created + TimeSpan.FromHours(faker.Random.Double(1, Math.Max(1, (now - created).TotalHours))) : null,
                NextFollowUpAt = faker.Random.Bool(0.3f) ? now + TimeSpan.FromHours(faker.Random.Int(-72, 24 * 14)) : null,
            };
            lead.SetPhone(PhoneNumbers.Read(phone, "US"));
            lead.EmailNormalized = lead.Email;
            lead.HasContactInfo = lead.Email is not null || lead.Phone is not null || lead.Website is not null;
            return lead;
        }

        private static string PhoneFor(Faker faker, string country) =>
            country == "US" ? $"({faker.Random.Int(201, 989)}) 555-{faker.Random.Int(100, 999):0000}" : faker.Phone.PhoneNumber();
    }

    private static void Draw(TextWriter output, int done, int total, TimeSpan elapsed)
    {
        const int width = 30;
        var filled = (int)((long)done * width / total);
        var rate = done / Math.Max(elapsed.TotalSeconds, 0.001);
        output.Write($"\r[{new string('#', filled)}{new string(' ', width - filled)}] {done * 100 / total,3}% {done:N0}/{total:N0} leads, {rate:N0}/s   ");
    }
}
