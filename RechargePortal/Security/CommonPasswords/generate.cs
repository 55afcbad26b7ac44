// Builds RechargePortal/Security/common-passwords.txt, the 10,000 passwords the portal refuses.
//   dotnet run RechargePortal/Security/CommonPasswords/generate.cs -- RechargePortal/Security/common-passwords.txt
//
// No breach corpus can be downloaded where the portal is built, so the list is made from what the
// published top lists (SplashData/NordPass yearly lists, the NCSC top 100,000, RockYou's head) have in
// common: the classic passwords themselves, then common words, names (English and Bangladeshi), places,
// sports and brands with the suffixes people add (1, 123, 1234, !, years), keyboard walks, digit runs,
// doubled words and leetspeak "password"s. Lower case, one a line, most likely first, no duplicates.
// The portal compares in lower case, so "Password1234" and "PASSWORD1234" are refused as well.

const int Count = 10_000;
var output = args.Length > 0 ? args[0] : "common-passwords.txt";

string[] classics =
[
    "123456", "password", "12345678", "qwerty", "123456789", "12345", "1234", "111111", "1234567", "dragon",
    "123123", "baseball", "abc123", "football", "monkey", "letmein", "696969", "shadow", "master", "666666",
    "qwertyuiop", "123321", "mustang", "1234567890", "michael", "654321", "superman", "1qaz2wsx", "7777777",
    "121212", "000000", "qazwsx", "123qwe", "killer", "trustno1", "jordan", "jennifer", "zxcvbnm", "asdfgh",
    "hunter", "buster", "soccer", "harley", "batman", "andrew", "tigger", "sunshine", "iloveyou", "2000",
    "charlie", "robert", "thomas", "hockey", "ranger", "daniel", "starwars", "klaster", "112233", "george",
    "computer", "michelle", "jessica", "pepper", "1111", "zxcvbn", "555555", "11111111", "131313", "freedom",
    "777777", "pass", "maggie", "159753", "aaaaaa", "ginger", "princess", "joshua", "cheese", "amanda",
    "summer", "love", "ashley", "6969", "nicole", "chelsea", "biteme", "matthew", "access", "yankees",
    "987654321", "dallas", "austin", "thunder", "taylor", "matrix", "william", "corvette", "hello", "martin",
    "heather", "secret", "merlin", "diamond", "1234qwer", "gfhjkm", "hammer", "silver", "222222", "88888888",
    "anthony", "justin", "test", "bailey", "q1w2e3r4t5", "patrick", "internet", "scooter", "orange", "11111",
    "golfer", "cookie", "richard", "samantha", "bigdog", "guitar", "jackson", "whatever", "mickey", "chicken",
    "sparky", "snoopy", "maverick", "phoenix", "camaro", "peanut", "morgan", "welcome", "falcon", "cowboy",
    "ferrari", "samsung", "andrea", "smokey", "steelers", "joseph", "mercedes", "dakota", "arsenal", "eagles",
    "melissa", "boomer", "booboo", "spider", "nascar", "monster", "tigers", "yellow", "xxxxxx", "123123123",
    "gateway", "marina", "diablo", "bulldog", "qwer1234", "compaq", "purple", "banana", "junior", "hannah",
    "123654", "porsche", "lakers", "iceman", "money", "cowboys", "987654", "london", "tennis", "999999",
    "ncc1701", "coffee", "scooby", "0000", "miller", "boston", "q1w2e3r4", "brandon", "yamaha", "chester",
    "mother", "forever", "johnny", "edward", "333333", "oliver", "redsox", "player", "nikita", "knight",
    "fender", "barney", "midnight", "please", "brandy", "chicago", "badboy", "slayer", "rangers", "charles",
    "angel", "flower", "rabbit", "wizard", "jasper", "enter", "rachel", "chris", "steven", "winner", "adidas",
    "victoria", "natasha", "1q2w3e4r", "jasmine", "winter", "prince", "marine", "ghbdtn", "fishing", "cocacola",
    "casper", "james", "232323", "raiders", "888888", "marlboro", "gandalf", "asdfasdf", "crystal", "87654321",
    "12344321", "golden", "8675309", "panther", "lauren", "angela", "thx1138", "angels", "madison", "winston",
    "shannon", "mike", "toyota", "jordan23", "canada", "sophie", "apples", "tiger", "qwerty123", "1q2w3e",
    "aa123456", "password1", "qwerty1", "123456a", "a123456", "123abc", "qwe123", "qwerty12", "1qazxsw2",
    "password123", "admin", "admin123", "welcome1", "welcome123", "p@ssw0rd", "passw0rd", "abcd1234",
    "qwerty12345", "qwerty1234", "zaq12wsx", "12341234", "11223344", "147258369", "123698745", "159357",
    "741852963", "789456123", "123456789a", "asdf1234", "qazwsxedc", "1qaz2wsx3edc", "football1", "baseball1",
    "superman1", "princess1", "sunshine1", "iloveyou1", "monkey1", "shadow1", "master1", "jesus", "jesus1",
    "blessed", "blessing", "myspace1", "homelesspa", "lovely", "babygirl", "loveme", "friends", "butterfly",
    "purple1", "fuckyou1", "666666a", "qwertyu", "qwert", "1qaz", "zxcv", "asdf", "zxc123", "zxcvbnm1",
    "asdfghjkl", "asdfghjk", "qwertyui", "1234554321", "5201314", "woaini", "woaini1314", "aaaaaaaa",
    "a1b2c3d4", "a1b2c3", "abc12345", "abcdef", "abcdefg", "abcdefgh", "abcdefghi", "abcdefghij", "abcdefghijk",
    "abcdefghijkl", "abc123456", "changeme", "secret1", "default", "guest", "root", "toor", "administrator",
    "letmein1", "login", "passwort", "motdepasse", "contrasena", "senha", "parola", "wachtwoord", "salasana",
    "trustno1!", "starwars1", "pokemon", "minecraft", "fortnite", "roblox", "naruto", "onepiece", "dragonball",
    "liverpool", "manchester", "manutd", "barcelona", "realmadrid", "juventus", "chelsea1", "arsenal1",
    "messi10", "ronaldo7", "cristiano", "neymar", "zidane", "beckham", "cricket", "sachin", "dhoni", "virat",
];

string[] words =
[
    "password", "qwerty", "iloveyou", "welcome", "admin", "monkey", "dragon", "letmein", "football", "baseball",
    "master", "shadow", "sunshine", "princess", "superman", "batman", "trustno1", "michael", "jennifer", "jordan",
    "charlie", "freedom", "whatever", "computer", "internet", "secret", "summer", "winter", "spring", "autumn",
    "love", "lovely", "loveme", "lover", "angel", "angels", "baby", "babygirl", "babyboy", "honey", "sweet",
    "sweety", "sweetheart", "darling", "sexy", "hello", "hellokitty", "kitty", "flower", "butterfly", "rainbow",
    "soccer", "cricket", "hockey", "tennis", "golf", "basketball", "volleyball", "football1", "chelsea", "arsenal",
    "liverpool", "barcelona", "madrid", "juventus", "milan", "bayern", "manchester", "united", "brazil", "argentina",
    "messi", "ronaldo", "neymar", "mbappe", "shakib", "tamim", "mashrafe", "mushfiq", "mahmudullah", "liton",
    "mustafiz", "tigers", "bdtigers", "bangladesh", "dhaka", "chittagong", "chattogram", "sylhet", "khulna",
    "rajshahi", "barisal", "barishal", "rangpur", "mymensingh", "comilla", "cumilla", "gazipur", "narayanganj",
    "bogura", "bogra", "jessore", "jashore", "coxsbazar", "noakhali", "feni", "tangail", "padma", "meghna",
    "jamuna", "sundarban", "sundarbans", "bengal", "bangla", "bengali", "amarsonarbangla", "joybangla",
    "allah", "allahuakbar", "bismillah", "alhamdulillah", "subhanallah", "mashallah", "inshallah", "muhammad",
    "mohammad", "mohammed", "islam", "muslim", "rahman", "hossain", "hussain", "hasan", "hassan", "ahmed", "ahmad",
    "akter", "akhter", "begum", "khatun", "alam", "ali", "uddin", "chowdhury", "sarkar", "mia", "miah", "khan",
    "sheikh", "talukder", "mondal", "sumon", "rana", "rony", "shuvo", "sakib", "rakib", "sabbir", "rasel", "rubel",
    "hridoy", "emon", "imran", "arif", "jahid", "kamal", "jamal", "karim", "rahim", "nayeem", "tanvir", "tanim",
    "sohel", "shahin", "shamim", "shanto", "sajib", "sagor", "sakil", "masud", "mamun", "milon", "nasir",
    "mim", "sadia", "nusrat", "tania", "tanjila", "sumaiya", "fatema", "fatima", "ayesha", "jannat", "jannatul",
    "mitu", "priya", "puja", "rupa", "shila", "sathi", "bristy", "brishti", "nodi", "moon", "sonali", "keya",
    "grameen", "grameenphone", "robi", "banglalink", "airtel", "teletalk", "skitto", "bkash", "nagad", "rocket",
    "flexiload", "flexi", "recharge", "rechargeportal", "reseller", "portal", "topup", "mobile", "telecom",
    "jesus", "christ", "god", "lord", "faith", "hope", "blessed", "heaven", "angel1", "krishna", "ganesh", "shiva",
    "naruto", "pokemon", "minecraft", "fortnite", "pubg", "freefire", "garena", "roblox", "zelda", "mario",
    "starwars", "matrix", "gandalf", "hobbit", "harrypotter", "hogwarts", "marvel", "avengers", "spiderman",
    "ironman", "thor", "hulk", "joker", "superstar", "rockstar", "killer", "hunter", "ranger", "warrior",
    "ninja", "samurai", "legend", "king", "queen", "prince", "boss", "player", "gamer", "hacker", "lucky",
    "tiger", "lion", "eagle", "falcon", "panther", "wolf", "bear", "dog", "cat", "puppy", "kitten", "horse",
    "rabbit", "monkey1", "dolphin", "shark", "snake", "cobra", "spider", "phoenix", "dragon1", "unicorn",
    "red", "blue", "green", "black", "white", "yellow", "purple", "orange", "pink", "silver", "golden", "gold",
    "diamond", "crystal", "pearl", "ruby", "emerald", "apple", "banana", "mango", "cherry", "orange1", "lemon",
    "coffee", "chocolate", "cookie", "pizza", "burger", "cheese", "biriyani", "biryani", "hilsa", "ilish",
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "london", "paris", "newyork", "dubai", "tokyo", "kolkata", "delhi", "mumbai", "karachi", "toronto",
    "canada", "america", "england", "india", "pakistan", "nepal", "malaysia", "singapore", "australia",
    "samsung", "nokia", "iphone", "apple1", "google", "facebook", "youtube", "gmail", "yahoo", "hotmail",
    "windows", "microsoft", "linux", "android", "toyota", "honda", "yamaha", "suzuki", "bajaj", "ferrari",
    "mercedes", "porsche", "bmw", "audi", "mustang", "corvette", "harley", "ducati", "kawasaki", "nissan",
    "michelle", "jessica", "ashley", "amanda", "nicole", "samantha", "melissa", "hannah", "sophie", "emma",
    "olivia", "daniel", "thomas", "robert", "william", "james", "john", "david", "richard", "joseph",
    "andrew", "matthew", "anthony", "joshua", "christopher", "brandon", "justin", "kevin", "jason", "ryan",
    "alex", "alexander", "charles", "steven", "edward", "george", "oliver", "jack", "harry", "peter",
    "pepper", "ginger", "maggie", "buster", "bailey", "tigger", "snoopy", "scooby", "mickey", "sparky",
    "family", "friends", "friend", "mother", "father", "mommy", "daddy", "sister", "brother", "children",
    "forever", "always", "never", "nothing", "something", "everything", "life", "happy", "smile", "dream",
    "dreams", "magic", "music", "guitar", "piano", "dance", "party", "money", "cash", "rich", "business",
    "office", "work", "school", "college", "student", "teacher", "doctor", "engineer", "police", "army",
    "security", "system", "server", "network", "database", "test", "testing", "tester", "demo", "sample",
    "user", "guest", "login", "access", "default", "changeme", "temp", "temporary", "pass", "passwd",
    "secure", "private", "public", "control", "manager", "support", "service", "account", "member", "oracle",
    "cisco", "root", "toor", "qwertyuiop", "asdfghjkl", "zxcvbnm", "qazwsx", "abc", "abcd", "abcdef",
];

string[] shortSuffixes = ["", "1", "123", "12", "1234", "!", "12345", "123456", "2", "7", "01", "11", "13", "69", "99", "00", "22", "23", "21", "007", "@123", "123!", "1!", "!!", "@1234", "#1", "_123", ".123"];
string[] longSuffixes = ["123456789", "1234567890", "12345678", "1234567", "123123", "112233", "@123456", "@12345", "#123456", "_123456", "!@#$", "!@#", "123!@#", "2580", "0000", "1111", "4321", "54321", "654321", "987654321", "321", "786", "420", "143", "1122", "1212", "2121", "9999", "8888", "7777"];

var keyboard = new[]
{
    "qwertyuiop", "qwertyuiopasdfghjkl", "qwertyuiopasdfghjklzxcvbnm", "asdfghjklqwertyuiop", "qwertyasdfgh",
    "qwertyasdfghzxcvbn", "qwertasdfgzxcvb", "asdfghjklzxcvbnm", "zxcvbnmasdfghjkl", "1qaz2wsx3edc",
    "1qaz2wsx3edc4rfv", "1qaz2wsx3edc4rfv5tgb", "qazwsxedcrfv", "qazwsxedcrfvtgb", "qazwsxedcrfvtgbyhn",
    "1q2w3e4r5t6y", "1q2w3e4r5t6y7u", "1q2w3e4r5t6y7u8i", "1q2w3e4r5t6y7u8i9o0p", "q1w2e3r4t5y6", "q1w2e3r4t5y6u7",
    "q1w2e3r4t5y6u7i8o9p0", "zaq12wsxcde3", "zaq1xsw2cde3", "zaq1zaq1zaq1", "1qazxsw23edc", "!qaz@wsx#edc",
    "!qaz2wsx3edc", "1qaz@wsx#edc", "qweasdzxc123", "qweasdzxcqwe", "qweqweqweqwe", "asdasdasdasd",
    "zxczxczxczxc", "qwerqwerqwer", "asdfasdfasdf", "zxcvzxcvzxcv", "qwertyqwerty", "asdfghasdfgh",
    "poiuytrewq", "poiuytrewqlkjhgfdsa", "mnbvcxzlkjhgfdsa", "lkjhgfdsapoiuytrewq", "1234qwerasdf",
    "1234qwerasdfzxcv", "qwer1234asdf", "asdf1234qwer", "qwerty123456", "qwerty1234567", "qwerty12345678",
    "qwerty123456789", "qwertyuiop123", "qwertyuiop1234", "qwertyuiop12345", "asdfghjkl123", "asdfghjkl1234",
    "zxcvbnm123456", "zxcvbnm12345", "1234567890qwertyuiop", "0987654321poiuytrewq", "qwertyuiop[]", "qwertyuiop[]\\",
    "asdfghjkl;'", "zxcvbnm,./", "`1234567890-=", "1234567890-=", "!@#$%^&*()", "!@#$%^&*()_+", "1234567890!@#$",
    "!@#$%^&*()123", "qwerty!@#$%^", "1qaz!qaz2wsx@wsx", "1qazxsw2!qazxsw@", "qwe123qwe123", "asd123asd123",
    "zxc123zxc123", "123qweasdzxc", "123qwe123qwe", "qwe123asd456", "147258369qwe", "159753qwerty",
};

var digitRuns = new List<string>();
for (var length = 6; length <= 20; length++)
{
    digitRuns.Add(string.Concat(Enumerable.Range(1, length).Select(i => (char)('0' + i % 10))));
    digitRuns.Add(string.Concat(Enumerable.Range(0, length).Select(i => (char)('9' - i % 10))));
    digitRuns.Add(string.Concat(Enumerable.Range(0, length).Select(i => (char)('0' + i % 10))));
    for (var d = 0; d <= 9; d++)
    {
        digitRuns.Add(new string((char)('0' + d), length));
    }
}

foreach (var unit in new[] { "12", "123", "1234", "12345", "123456", "321", "112233", "1212", "2580", "147", "159", "741", "852", "963", "369", "258", "456", "789", "1122", "6969", "5201314", "520", "1314", "786", "143", "007", "100" })
{
    for (var times = 2; times <= 6; times++)
    {
        digitRuns.Add(string.Concat(Enumerable.Repeat(unit, times)));
    }
}

digitRuns.AddRange(["147258369", "147258369147", "159357456852", "741852963741", "789456123789", "123698745", "1236987450",
    "112233445566", "11223344556677", "1122334455667788", "111222333444", "111222333", "123454321", "12345654321",
    "1234567654321", "123456787654321", "01234567890", "012345678901", "0123456789012", "01010101", "010101010101",
    "101010101010", "0101010101", "1010101010", "2468013579", "1357924680", "246813579", "13579246810", "0123456789",
    "9876543210", "98765432100", "987654321012", "0987654321", "09876543210", "1029384756", "1029384756qp"]);

string[] passwordForms =
[
    "password", "passw0rd", "p@ssword", "p@ssw0rd", "pa$$word", "pa$$w0rd", "p@$$w0rd", "p@$$word", "passwd",
    "passwort", "pasword", "passwrd", "password!", "mypassword", "newpassword", "yourpassword", "thepassword",
    "secretpassword", "supersecret", "verysecret", "topsecret", "admin", "adm1n", "@dmin", "administrator",
    "administrat0r", "letmein", "l3tm3in", "welcome", "w3lc0me", "welc0me", "changeme", "chang3me", "iloveyou",
    "il0veyou", "qwerty", "qwertyuiop", "trustno1", "trustnoone", "default", "access", "login", "master",
];

var years = Enumerable.Range(1960, 67).Select(y => y.ToString(System.Globalization.CultureInfo.InvariantCulture)).Reverse().ToArray();

var list = new List<string>();
var seen = new HashSet<string>(StringComparer.Ordinal);
void Add(string candidate)
{
    var value = candidate.ToLowerInvariant();
    if (value.Length >= 4 && list.Count < Count && seen.Add(value))
    {
        list.Add(value);
    }
}

foreach (var c in classics) Add(c);
foreach (var p in passwordForms)
{
    foreach (var s in shortSuffixes) Add(p + s);
}

foreach (var k in keyboard) Add(k);
foreach (var d in digitRuns) Add(d);

// Words with the suffixes people add, tier by tier across all words, so the likelier form of every word
// comes before an unlikely form of the first.
foreach (var s in shortSuffixes.Take(6))
{
    foreach (var w in words) Add(w + s);
}

foreach (var w in words.Take(250))
{
    Add(w + w);
    Add("ilove" + w);
    Add("my" + w);
    Add(w + "123456789");
    Add(w + "@123");
}

foreach (var p in passwordForms)
{
    foreach (var s in longSuffixes.Take(12)) Add(p + s);
    foreach (var y in years.Take(15)) Add(p + y);
    foreach (var y in years.Take(6)) Add(p + "@" + y);
    Add(p + p);
}

foreach (var y in years.Take(20))
{
    foreach (var w in words.Take(100)) Add(w + y);
}

foreach (var s in shortSuffixes.Skip(6))
{
    foreach (var w in words) Add(w + s);
}

foreach (var s in longSuffixes)
{
    foreach (var w in words) Add(w + s);
}

foreach (var y in years)
{
    foreach (var w in words) Add(w + y);
}

if (list.Count < Count)
{
    throw new InvalidOperationException($"Only {list.Count} passwords; add words or patterns.");
}

File.WriteAllText(output, string.Join('\n', list) + "\n");
Console.WriteLine($"{list.Count} passwords ({list.Count(p => p.Length >= 12)} of 12+ characters) written to {output}.");
