using Leadline;
using Leadline.Channels;
using Leadline.Common;
using Leadline.Common.Api;
using Leadline.Common.Live;
using Leadline.Conversations;
using Leadline.Submissions;
using Leadline.CustomFields;
using Leadline.Pipeline;
using Leadline.Reminders;
using Leadline.Data;
using Leadline.Duplicates;
using Leadline.Home;
using Leadline.Identity;
using Leadline.Leads;
using Leadline.Notes;
using Leadline.Queue;
using Leadline.Workspaces;

var builder = WebApplication.CreateBuilder(args);
builder.AddLeadlineLogging();
builder.AddLeadlineData();
builder.Services.AddLeadlineCommon();
builder.Services.AddLeadlineIdentity(builder.Configuration);
builder.Services.AddWorkspaces();
builder.Services.AddHome();
builder.Services.AddLeads();
builder.Services.AddCustomFields();
builder.Services.AddPipeline();
builder.Services.AddReminders(builder.Configuration);
builder.Services.AddNotes();
builder.Services.AddWorkQueue(builder.Configuration);
builder.Services.AddDuplicates(builder.Configuration);
builder.Services.AddChannels(builder.Configuration);
builder.Services.AddConversationPages();
builder.Services.AddSubmissionReview();
builder.Services.AddLiveEvents(builder.Configuration.GetValue<DatabaseProvider>("Leadline:Database:Provider"));

var app = builder.Build();
if (!await app.PrepareDatabaseAsync())
    return 1;
if (await LeadlineCommands.TryRunAsync(app, args))
    return Environment.ExitCode;

app.UseLeadlineCommon();
app.MapStaticAssets();
app.MapHealth();
app.MapApiDocs();
var api = app.MapApiGroup();
app.MapLeadlineIdentity(api);
app.MapLeads(api);
app.MapCustomFields(api);
app.MapPipeline(api);
app.MapReminders(api);
app.MapNotes(api);
app.MapWorkQueue(api);
app.MapDuplicates(api);
app.MapChannels(api);
app.MapConversationPages(api);
app.MapSubmissionReview(api);
app.MapLiveEvents();
app.MapRazorComponents<App>();
await app.RunAsync();
return 0;

public partial class Program;
