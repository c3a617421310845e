using Stopwatch = System.Diagnostics.Stopwatch;
using System.Threading.Channels;
using Bogus;
using Leadline.Activities;
using Leadline.Common;
using Leadline.Common.Security;
using Leadline.Data;
using Leadline.Pipeline;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Leads;

/// <summary>
/// <c>seed-demo --leads N [--workspace ID]</c>: realistic leads (Bogus) spread over the past year, with a progress bar.
/// Batches are generated on one thread while <see cref="LeadBulkWriter"/> writes the previous one (a transaction per
/// batch); every lead still gets its "created" history row. Consistent as if people had worked the leads in the app:
/// a lead's last activity, first response and next follow-up are those of its activities (done calls, e-mails and
/// meetings; a scheduled meeting or task), never in the future, and every lead past the first stage was contacted.
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
        var owners = (await db.Users.AsNoTracking().Where(u => u.IsActive).Select(u => new { u.Id, u.Name }).ToListAsync(ct)).ToDictionary(u => u.Id, u => u.Name);
        var country = (await db.Workspaces.AsNoTracking().FirstAsync(w => w.Id == db.CurrentWorkspaceId, ct)).DefaultCountry;
        var generator = new LeadGenerator(db.CurrentWorkspaceId, stages, owners, country, clock.GetUtcNow().UtcDateTime);
        var (userId, userName) = user.IsAuthenticated ? ((int?)user.Id, user.Name) : (null, "System");

        // a batch is generated while the previous one is written; at most three are in memory (writing, waiting, in the making)
        var batches = Channel.CreateBounded<List<DemoLead>>(1);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producer = Task.Run(async () =>
        {
            try
            {
                for (var made = 0; made < count; made += BatchSize)
                {
                    var size = Math.Min(BatchSize, count - made);
                    var batch = new List<DemoLead>(size);
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
                    var leads = batch.Select(d => d.Lead).ToList();
                    await writer.WriteAsync(leads, clock.GetUtcNow().UtcDateTime, userId, userName, ct);
                    foreach (var (lead, activities) in batch)
                        foreach (var activity in activities)
                            activity.LeadId = lead.Id;
                    await writer.WriteActivitiesAsync(batch.SelectMany(d => d.Activities).ToList(), ct);
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

    /// <summary>A generated lead with the activities its derived fields come from.</summary>
    private sealed record DemoLead(Lead Lead, List<Activity> Activities);

    /// <summary>The demo data's distribution: one Bogus faker with a fixed seed, so every run makes the same leads.</summary>
    private sealed class LeadGenerator(int workspaceId, List<Stage> stages, Dictionary<int, string> owners, string country, DateTime now)
    {
        private static readonly ActivityType[] Interactions = [ActivityType.Call, ActivityType.Call, ActivityType.Email, ActivityType.Meeting];

        private readonly Faker _faker = new("en") { Random = new Randomizer(20261122) };
        private readonly Stage[] _stages = stages.ToArray();
        private readonly Dictionary<int, double> _positions = stages.ToDictionary(s => s.Id, _ => 0.0);
        private readonly LeadSource[] _sources = Enum.GetValues<LeadSource>();
        private readonly int[] _ownerIds = owners.Keys.Order().ToArray();

        // stage weights: most leads are early in the funnel
        private readonly float[] _stageWeights = stages.Select(s => s.Category switch
        {
            StageCategory.New => 0.3f, StageCategory.Contacted => 0.12f, StageCategory.Working => 0.15f, StageCategory.Qualified => 0.1f,
            StageCategory.Unqualified => 0.08f, StageCategory.Converted => 0.08f, _ => 0.1f,
        }).ToArray();

        public DemoLead Next()
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
                OwnerId = owners.Count > 0 && faker.Random.Bool(0.75f) ? faker.PickRandom(_ownerIds) : null,
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
            };
            lead.SetPhone(PhoneNumbers.Read(phone, "US"));
            lead.EmailNormalized = lead.Email;
            lead.HasContactInfo = lead.Email is not null || lead.Phone is not null || lead.Website is not null;
            return new DemoLead(lead, Activities(lead));
        }

        /// <summary>
        /// The lead's activities, and its derived fields set from them as <see cref="LeadInteractions"/> would: past the
        /// first stage at least one done interaction (a lead in "Contacted" was contacted), in the first stage some; all
        /// between its creation and now. A third of the open leads has a meeting or task scheduled (some overdue).
        /// </summary>
        private List<Activity> Activities(Lead lead)
        {
            var faker = _faker;
            var activities = new List<Activity>();
            var (userId, userName) = lead.OwnerId is { } owner ? ((int?)owner, owners[owner]) : (null, "System");
            var done = lead.Status == StageCategory.New ? (faker.Random.Bool(0.3f) ? 1 : 0) : faker.Random.Int(1, 3);
            for (var i = 0; i < done; i++)
            {
                var type = faker.PickRandom(Interactions);
                var at = Between(lead.CreatedAt, now);
                activities.Add(new Activity
                {
                    Type = type, Subject = Subject(type), DoneAt = at, CreatedAt = at, UserId = userId, UserName = userName,
                    Outcome = faker.Random.Bool(0.5f) ? faker.PickRandom<Notes.Outcome>() : null,
                    DurationSeconds = type == ActivityType.Call ? faker.Random.Int(30, 1800) : null,
                });
            }
            if (done > 0)
            {
                lead.LastActivityAt = activities.Max(a => a.DoneAt);
                lead.FirstResponseAt = activities.Min(a => a.DoneAt);
            }
            if (!Changes.LeadFlowRule.IsClosing(lead.Status) && faker.Random.Bool(0.3f))
            {
                var type = faker.Random.Bool() ? ActivityType.Meeting : ActivityType.Task;
                var due = now + TimeSpan.FromHours(faker.Random.Int(-72, 24 * 14));
                var planned = Between(lead.CreatedAt, now);
                activities.Add(new Activity
                {
                    Type = type, Subject = Subject(type), DueAt = due < planned ? planned : due, CreatedAt = planned, UserId = userId, UserName = userName,
                });
                lead.NextFollowUpAt = activities[^1].DueAt;
            }
            return activities;
        }

        private DateTime Between(DateTime from, DateTime to) =>
            to <= from ? from : from + TimeSpan.FromSeconds(_faker.Random.Double(0, (to - from).TotalSeconds));

        private static string Subject(ActivityType type) => type switch
        {
            ActivityType.Call => "Call",
            ActivityType.Email => "E-mail",
            ActivityType.Meeting => "Meeting",
            _ => "Follow-up task",
        };

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
