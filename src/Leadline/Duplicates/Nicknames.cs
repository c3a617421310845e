using System.Collections.Frozen;

namespace Leadline.Duplicates;

/// <summary>Common English given-name diminutives and the formal name they stand for.</summary>
internal static class Nicknames
{
    private static readonly FrozenDictionary<string, string> Formal = Build(new Dictionary<string, string[]>
    {
        ["robert"] = ["bob", "bobby", "rob", "robbie", "bert"],
        ["william"] = ["bill", "billy", "will", "willy", "liam"],
        ["elizabeth"] = ["liz", "lizzie", "beth", "betty", "betsy", "eliza", "libby", "elisabeth", "lisa"],
        ["margaret"] = ["peggy", "maggie", "meg", "marge", "margie", "madge", "greta"],
        ["richard"] = ["dick", "rick", "ricky", "rich", "richie"],
        ["james"] = ["jim", "jimmy", "jamie"],
        ["john"] = ["johnny", "jack", "jon"],
        ["jonathan"] = ["jonny"],
        ["joseph"] = ["joe", "joey"],
        ["thomas"] = ["tom", "tommy"],
        ["charles"] = ["charlie", "chuck", "chas"],
        ["edward"] = ["ed", "eddie", "ted", "teddy", "ned"],
        ["michael"] = ["mike", "mikey", "mick", "mickey"],
        ["christopher"] = ["chris", "kit"],
        ["daniel"] = ["dan", "danny"],
        ["david"] = ["dave", "davey"],
        ["anthony"] = ["tony"],
        ["andrew"] = ["andy", "drew"],
        ["matthew"] = ["matt"],
        ["nicholas"] = ["nick", "nicky"],
        ["steven"] = ["steve", "stephen", "stevie"],
        ["alexander"] = ["alex", "sandy", "alec"],
        ["benjamin"] = ["ben", "benny"],
        ["samuel"] = ["sam", "sammy"],
        ["timothy"] = ["tim", "timmy"],
        ["patrick"] = ["pat", "paddy"],
        ["peter"] = ["pete"],
        ["kenneth"] = ["ken", "kenny"],
        ["ronald"] = ["ron", "ronnie"],
        ["donald"] = ["don", "donnie"],
        ["gerald"] = ["gerry", "jerry"],
        ["lawrence"] = ["larry", "laurence"],
        ["raymond"] = ["ray"],
        ["frederick"] = ["fred", "freddie", "freddy"],
        ["francis"] = ["frank", "frankie"],
        ["harold"] = ["harry", "hal"],
        ["henry"] = ["hank"],
        ["gregory"] = ["greg"],
        ["jeffrey"] = ["jeff", "geoffrey", "geoff"],
        ["joshua"] = ["josh"],
        ["zachary"] = ["zach", "zack"],
        ["nathaniel"] = ["nate", "nathan", "nat"],
        ["phillip"] = ["phil", "philip"],
        ["douglas"] = ["doug"],
        ["leonard"] = ["leo", "len", "lenny"],
        ["albert"] = ["al", "bertie"],
        ["walter"] = ["walt", "wally"],
        ["eugene"] = ["gene"],
        ["vincent"] = ["vince", "vinny"],
        ["jacob"] = ["jake"],
        ["catherine"] = ["cathy", "kate", "katie", "kathy", "katherine", "kathryn", "kat", "cat", "kitty", "katy", "kaye"],
        ["susan"] = ["sue", "susie", "suzy", "suzanne"],
        ["jennifer"] = ["jen", "jenny", "jenn"],
        ["patricia"] = ["patty", "patsy", "trish", "tricia"],
        ["deborah"] = ["deb", "debbie", "debra"],
        ["rebecca"] = ["becky", "becca"],
        ["victoria"] = ["vicky", "vicki", "tori"],
        ["christine"] = ["chris", "christy", "tina", "christina", "kristina", "kristine"],
        ["alexandra"] = ["alex", "lexi", "sandra", "sasha"],
        ["barbara"] = ["barb", "babs"],
        ["dorothy"] = ["dot", "dottie", "dolly"],
        ["jessica"] = ["jess", "jessie"],
        ["abigail"] = ["abby", "gail"],
        ["samantha"] = ["sammie"],
        ["pamela"] = ["pam"],
        ["kimberly"] = ["kim"],
        ["theresa"] = ["terry", "tess", "tessa", "teresa"],
        ["virginia"] = ["ginny", "ginger"],
        ["frances"] = ["fran", "frannie"],
        ["judith"] = ["judy"],
        ["carolyn"] = ["carol", "carrie", "caroline"],
        ["cynthia"] = ["cindy"],
        ["mary"] = ["molly", "polly", "mae", "mamie"],
        ["sarah"] = ["sara", "sally", "sadie"],
        ["anne"] = ["ann", "annie", "nancy", "anna", "hannah"],
        ["helen"] = ["nell", "nellie", "ellie", "elena"],
        ["eleanor"] = ["ellen", "nora", "elinor"],
        ["josephine"] = ["jo", "josie"],
        ["joanne"] = ["joanna", "joan"],
        ["katrina"] = ["trina"],
        ["valerie"] = ["val"],
        ["natalie"] = ["nat", "natasha"],
        ["melissa"] = ["mel", "missy"],
        ["stephanie"] = ["steph"],
        ["angela"] = ["angie"],
        ["veronica"] = ["ronnie", "ronni"],
        ["gwendolyn"] = ["gwen"],
        ["isabella"] = ["bella", "izzy", "isabel", "isobel"],
    });

    /// <summary>The formal name for a known nickname, otherwise the token itself.</summary>
    public static string Canonical(string token) => Formal.TryGetValue(token, out var formal) ? formal : token;

    private static FrozenDictionary<string, string> Build(Dictionary<string, string[]> groups)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (formal, nicks) in groups)
        {
            foreach (var nick in nicks)
                map.TryAdd(nick, formal);   // ambiguous nicknames (chris, alex, nat) keep their first, most common reading
        }
        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
