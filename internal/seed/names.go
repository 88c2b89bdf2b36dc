package seed

import (
	"math"
	"strings"
)

// Name pools. Each heritage is a pool of given and family names, most common
// first: picks follow a Zipf-like curve, so a few names are very common
// (thousands of John Smiths in a million people, as in life) and the tail is
// rare. British family names also come from a generator of English and
// Scottish place-name surnames (Ashworth, Thistlethwaite), which gives the
// long tail of names only a handful of people share, so searches by a rare
// name find a few people and searches by a common one find many. The pools
// are for plausible variety, not a statement about anyone: a person's ethnic
// category is always their own description.

// heritage is a pool of names with the ethnic categories and languages that
// usually go with it.
type heritage struct {
	name         string
	male, female []string
	family       []string
	// maleFamily and femaleFamily are gendered family names (Irish Ó / Ní,
	// Bangladeshi Begum), used for some people of that sex.
	maleFamily, femaleFamily []string
	// feminine turns a family name into its feminine form (Polish -ski → -ska).
	feminine func(string) string
	// double: double-barrelled family names occur; generated: some family
	// names come from the place-name generator.
	double, generated bool
	ethnic            []string
	languages         []string
	interpreter       float64 // share needing an interpreter
	// cumulative Zipf weights of the pools, filled by init.
	maleW, femaleW, familyW []float64
}

func words(s string) []string { return strings.Fields(s) }

var british = &heritage{
	name: "british",
	male: words(`John David Michael Paul James Mark Andrew Stephen Christopher Daniel Richard Peter Robert Thomas Lee Matthew
		Anthony Darren Gary Steven Kevin Ian Craig Jamie Ryan Adam Liam Dean Wayne Jason Carl Scott Shaun Neil Simon Martin
		Kieran Connor Callum Jordan Lewis Nathan Joshua Bradley Kyle Jack Aaron Reece Shane Brian Alan Keith Barry Graham
		Philip Terry Leon Luke Ben Sam Joe Harry George Alfie Charlie Tyler Mason Harvey Oliver Jake Josh Dale Stuart Colin
		Russell Trevor Derek Ross Karl Glen Wesley Gavin Justin Clive Roy Tony Malcolm Nigel Kenneth Ashley Owen Rhys Jed
		Ezekiel Lysander Cosmo Ptolemy Barnaby Crispin Tarquin Fenton Linus Rafferty Zebedee Alaric Bartholomew`),
	female: words(`Sarah Lisa Claire Emma Nicola Michelle Rebecca Laura Gemma Kelly Joanne Donna Amanda Julie Karen Helen
		Stacey Danielle Leanne Jade Hayley Kayleigh Charlotte Amy Sophie Chloe Zoë Jessica Megan Holly Courtney Paige Ellie
		Bethany Samantha Natalie Tracey Victoria Kerry Louise Jennifer Rachel Elizabeth Katie Lauren Shannon Kirsty Tanya
		Chantelle Carly Toni Marie Dawn Tina Sharon Debbie Jackie Angela Wendy Lindsey Kimberley Abigail Jodie Lucy Ruby
		Olivia Amelia Grace Mia Evie Freya Poppy Renée Chloé Tallulah Hephzibah Clementine Marigold Philippa Araminta Honor
		Perdita Ottoline Cressida Saoirse`),
	family: words(`Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright Walker
		White Edwards Hughes Green Hall Lewis Harris Clarke Jackson Wood Turner Martin Cooper Hill Ward Morris Moore
		Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths
		Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Marshall Anderson
		Simpson Ellis Adams Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Hunt Campbell
		Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon
		Harvey Graham Pearson Fletcher Walsh Gibson Howard Andrews Stewart Elliott Reynolds Saunders Payne Fox
		Ford Pearce Day Brooks West Lawrence Cole Atkinson Bradley Spencer Gill Dawson Ball Burton Hudson Watts Hopkins
		Entwistle Ramsbottom Duckworth Whittaker Haworth Pickup Ainsworth Ashworth Clegg Hargreaves Isherwood Nuttall
		Shuttleworth Tattersall Cottam Fazackerley Sowerbutts Singleton Threlfall Hesketh Sumner Bamber Postlethwaite
		Armstrong Nicholson Routledge Tyson Irving Relph Hodgson Birkett Featherstonehaugh Cholmondeley Marjoribanks
		Belcher Blenkinsop Gathercole Hebblethwaite Loveday Pennyfeather Quarmby Sidebottom Winterbottom Younghusband`),
	double:    true,
	generated: true,
	ethnic:    []string{"A", "A", "A", "A", "A", "A", "A", "A", "Z", "99"},
}

var scottish = &heritage{
	name:   "scottish",
	male:   words(`Alasdair Angus Callum Calum Duncan Euan Fraser Hamish Iain Kenneth Lachlan Murdo Ruaridh Struan Gregor Finlay`),
	female: words(`Ailsa Catriona Eilidh Fiona Iona Isla Kirsty Morag Mhairi Rhona Shona Skye Elspeth`),
	family: words(`MacDonald Campbell Stewart Robertson Thomson Anderson MacLeod Murray Reid Ross Paterson McKenzie Fraser
		McIntyre Sinclair Drummond Buchanan McAllister Urquhart Menzies Farquharson MacGillivray Mackintosh`),
	generated: true,
	ethnic:    []string{"A"},
}

var welsh = &heritage{
	name:   "welsh",
	male:   words(`Dafydd Rhys Gethin Iwan Owain Gareth Huw Ioan Aled Emyr Geraint Llŷr Macsen Cai Gruffydd`),
	female: words(`Siân Ffion Cerys Bethan Rhiannon Nia Eleri Angharad Carys Gwenllian Lowri Mali Seren Non Elin`),
	family: words(`Jones Williams Davies Evans Thomas Roberts Lloyd Pritchard Llewellyn Prosser Pugh Vaughan Bowen Griffiths
		Morgan Price Parry Powell Rees Howells`),
	double: true,
	ethnic: []string{"A"},
}

var irish = &heritage{
	name:         "irish",
	male:         words(`Seán Ciarán Pádraig Declan Eoin Cian Oisín Niall Liam Conor Darragh Michael Patrick Tadhg Ruairí Donal`),
	female:       words(`Siobhán Niamh Aoife Róisín Orla Caoimhe Saoirse Sinéad Áine Bridget Mary Gráinne Clodagh Deirdre`),
	family:       words(`Murphy Byrne Ryan O'Sullivan Walsh O'Connor McCarthy Doherty Kavanagh Gallagher O'Neill Quinn McLaughlin Brennan O'Donoghue O'Brien O'Reilly O'Donnell McDonagh Mac Giolla`),
	maleFamily:   []string{"Ó Briain", "Ó Súilleabháin", "Mac Giolla Phádraig", "Ó Dónaill"},
	femaleFamily: []string{"Ní Bhriain", "Ní Shúilleabháin", "Ní Dhomhnaill", "Nic Giolla Phádraig"},
	ethnic:       []string{"B"},
}

var traveller = &heritage{
	name:   "traveller",
	male:   words(`John Patrick Michael Martin Thomas Joe Billy Jimmy Tommy Johnny`),
	female: words(`Mary Bridget Margaret Kathleen Nora Ellen Winnie Ann`),
	family: words(`McDonagh Ward Connors Joyce Maughan Doran Delaney Stokes Purcell Keenan`),
	ethnic: []string{"C"},
}

var polish = &heritage{
	name:   "polish",
	male:   words(`Łukasz Paweł Krzysztof Tomasz Piotr Michał Wojciech Marcin Kamil Dawid Jakub Grzegorz Przemysław Mateusz Bartłomiej`),
	female: words(`Agnieszka Małgorzata Katarzyna Joanna Magdalena Anna Zofia Ewa Natalia Aleksandra Beata Dorota Żaneta`),
	family: words(`Kowalski Nowak Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański Woźniak Dąbrowski
		Kozłowski Jankowski Mazur Krawczyk Grabowski Pawlak Michalski Wróbel Jabłoński Nowicki Brzęczyszczykiewicz`),
	feminine: func(s string) string {
		if strings.HasSuffix(s, "ki") {
			return strings.TrimSuffix(s, "ki") + "ka"
		}
		return s
	},
	ethnic:      []string{"C"},
	languages:   []string{"Polish"},
	interpreter: 0.3,
}

var lithuanian = &heritage{
	name:        "lithuanian",
	male:        words(`Tomas Mantas Darius Andrius Lukas Rokas Jonas Vytautas Mindaugas Žygimantas`),
	female:      words(`Rūta Ieva Eglė Agnė Gintarė Jurgita Laura Simona Austėja`),
	family:      words(`Kazlauskas Jankauskas Petrauskas Stankevičius Vasiliauskas Žukauskas Butkus Paulauskas Urbonas Kavaliauskas`),
	ethnic:      []string{"C"},
	languages:   []string{"Lithuanian"},
	interpreter: 0.35,
}

var romanian = &heritage{
	name:        "romanian",
	male:        words(`Andrei Alexandru Mihai Ionuț Florin Bogdan Răzvan Ștefan Gheorghe Adrian Marius Cristian Constantin`),
	female:      words(`Elena Ioana Andreea Maria Alina Mihaela Florentina Georgiana Ramona`),
	family:      words(`Popescu Ionescu Popa Dumitru Stan Stoica Rusu Munteanu Constantin Lungu Marin Tudor Moldovan Bălan Ciobanu Radu Lăcătuș`),
	ethnic:      []string{"C"},
	languages:   []string{"Romanian"},
	interpreter: 0.4,
}

var albanian = &heritage{
	name:        "albanian",
	male:        words(`Arben Ardit Besnik Dritan Endrit Erion Fatjon Gentian Klodian Kristi`),
	female:      words(`Arta Blerina Elira Ermira Jonida Mirela`),
	family:      words(`Hoxha Shehu Gashi Berisha Krasniqi Leka Çela Dervishi Kola Duka`),
	ethnic:      []string{"C"},
	languages:   []string{"Albanian"},
	interpreter: 0.45,
}

var pakistani = &heritage{
	name:        "pakistani",
	male:        words(`Mohammed Muhammad Imran Adeel Zubair Faisal Usman Bilal Hamza Asif Tariq Shahid Kashif Zeeshan Amjad Sajid Waqas Naveed`),
	female:      words(`Ayesha Sana Nadia Amina Saima Zainab Fatima Rukhsana Shazia Mehwish Iqra Samina`),
	family:      words(`Khan Hussain Ahmed Iqbal Mahmood Akhtar Rehman Shah Ali Malik Butt Raja Bashir Javed Aslam Mirza Qureshi Anwar`),
	ethnic:      []string{"J"},
	languages:   []string{"Urdu", "Punjabi", "Pahari-Pothwari"},
	interpreter: 0.06,
}

var indian = &heritage{
	name: "indian",
	male: words(`Yusuf Ismail Irfan Ayub Salim Imtiaz Rakesh Nilesh Hitesh Jayesh Vijay Sanjay Gurpreet Harjit Manjit
		Jaspal Kulwinder Sukhdev Arjun Rohit`),
	female: words(`Priyanka Hina Nazia Rubina Kiran Jaspreet Harpreet Manpreet Meera Pooja Nisha Anjali`),
	family: words(`Patel Mistry Desai Lad Valand Mulla Vohra Sharma Singh Gill Sandhu Bains Dhillon Sidhu Kumar D'Souza
		Pereira Chauhan D'Costa`),
	ethnic:      []string{"H"},
	languages:   []string{"Gujarati", "Punjabi", "Hindi"},
	interpreter: 0.04,
}

var bangladeshi = &heritage{
	name:         "bangladeshi",
	male:         words(`Abdul Jahangir Rubel Shahid Anwar Sohel Mizanur Habibur Nazrul Shahin`),
	female:       words(`Shamima Taslima Rahima Nasreen Sumaiya Jahanara Rupa`),
	family:       words(`Miah Uddin Rahman Ali Islam Choudhury Ahmed Hoque Khan Begum`),
	femaleFamily: []string{"Begum", "Khatun", "Bibi"},
	ethnic:       []string{"K"},
	languages:    []string{"Sylheti", "Bengali"},
	interpreter:  0.1,
}

var somali = &heritage{
	name:        "somali",
	male:        words(`Abdi Abdirahman Mohamed Yusuf Ahmed Omar Hassan Abdullahi Ismail Mustafe`),
	female:      words(`Hodan Faadumo Hibaaq Ayaan Khadra Nasra Sahra Ifrah`),
	family:      words(`Abdi Farah Omar Warsame Jama Ali Osman Mohamud Yusuf Hersi Aden Egal`),
	ethnic:      []string{"N"},
	languages:   []string{"Somali"},
	interpreter: 0.4,
}

var caribbean = &heritage{
	name:   "caribbean",
	male:   words(`Marcus Jermaine Tyrone Delroy Leon Winston Kemar Dwayne Andre Devon Everton Kareem Leroy Clive`),
	female: words(`Keisha Shanice Marcia Simone Tanisha Jasmine Paulette Monique Sonia Beverley`),
	family: words(`Campbell Brown Francis Thompson Clarke Grant Williams Bailey Lewis Reid Samuels McKenzie Forbes Gordon
		Bennett Henry Hylton Reynolds`),
	double: true,
	ethnic: []string{"M", "M", "M", "P"},
}

var westAfrican = &heritage{
	name:   "west-african",
	male:   words(`Chukwuemeka Oluwaseun Adebayo Kwame Kofi Tendai Babajide Emeka Tunde Obinna Kwabena Yaw`),
	female: words(`Ngozi Ama Abena Chiamaka Folasade Tariro Adaeze Funmilayo Adwoa Efua`),
	family: words(`Adeyemi Mensah Boateng Okonkwo Eze Asante Oyelaran Moyo Ncube Osei Okeke Chikwanha Owusu Adjei`),
	ethnic: []string{"N"},
}

var chinese = &heritage{
	name:        "chinese",
	male:        []string{"Wei", "Jun", "Hao", "Ming", "Ka-Wai", "Chun", "Jian", "Tsz-Hin"},
	female:      []string{"Li Na", "Mei", "Xiaoling", "Wing", "Hui", "Yan", "Ka-Yan"},
	family:      words(`Chen Wang Li Zhang Liu Wong Chan Lam Cheung Ng Leung Ho`),
	ethnic:      []string{"R"},
	languages:   []string{"Mandarin", "Cantonese"},
	interpreter: 0.3,
}

var vietnamese = &heritage{
	name:        "vietnamese",
	male:        words(`Minh Tuấn Hùng Dũng Quang Huy Long`),
	female:      words(`Linh Hương Thảo Mai Lan Ngọc`),
	family:      words(`Nguyễn Trần Lê Phạm Hoàng Phan Vũ Đặng`),
	ethnic:      []string{"L"},
	languages:   []string{"Vietnamese"},
	interpreter: 0.5,
}

var middleEastern = &heritage{
	name:   "middle-eastern",
	male:   words(`Ahmad Omar Karim Ali Hassan Mahmoud Rashid Hamid Jawad Dawit Samir Reza Hemin Rebwar Soran`),
	female: words(`Rana Layla Sara Nour Maryam Yasmin Zahra Shirin Hana Ronahi`),
	family: words(`Al-Hassan Al-Sayed Al-Khatib Karimi Rahimi Haddad Mustafa Abdullah Haidari Mohammadi Tesfaye
		Ghebremichael Ahmadzai Barzani Qadir`),
	ethnic:      []string{"S", "S", "S", "L"},
	languages:   []string{"Arabic", "Arabic", "Kurdish (Sorani)", "Pashto", "Dari", "Farsi", "Tigrinya"},
	interpreter: 0.55,
}

var turkish = &heritage{
	name:        "turkish",
	male:        words(`Mehmet Mustafa Ahmet Emre Burak Murat Serkan Hüseyin`),
	female:      words(`Ayşe Fatma Elif Zeynep Gül Özlem`),
	family:      words(`Yılmaz Kaya Demir Şahin Çelik Öztürk Aydın Arslan Doğan`),
	ethnic:      []string{"S"},
	languages:   []string{"Turkish"},
	interpreter: 0.25,
}

var iberian = &heritage{
	name:        "iberian",
	male:        words(`José João Miguel Tiago Martín Rui Sérgio Álvaro`),
	female:      words(`Inês María Ana Beatriz Joana Lúcia`),
	family:      words(`García Fernández Silva Santos Gonçalves Pereira Rodrigues Ferreira Martínez Núñez`),
	ethnic:      []string{"C"},
	languages:   []string{"Portuguese", "Spanish"},
	interpreter: 0.2,
}

var nepali = &heritage{
	name:        "nepali",
	male:        words(`Bikash Prakash Suman Dipendra Rajan`),
	female:      words(`Sunita Sabina Anita Puja`),
	family:      words(`Gurung Rai Limbu Thapa Magar Tamang`),
	ethnic:      []string{"L"},
	languages:   []string{"Nepali"},
	interpreter: 0.25,
}

var mixed = &heritage{
	name:   "mixed",
	male:   british.male,
	female: british.female,
	family: words(`Smith Brown Campbell Francis Thompson Clarke Williams Hussain Khan Patel Mensah Taylor Walker Reid Grant`),
	double: true,
	ethnic: []string{"D", "D", "E", "F", "F", "G"},
}

var allHeritages = []*heritage{british, scottish, welsh, irish, traveller, polish, lithuanian, romanian, albanian, pakistani,
	indian, bangladeshi, somali, caribbean, westAfrican, chinese, vietnamese, middleEastern, turkish, iberian, nepali, mixed}

// Place-name surname parts: "Ash" + "worth", "Thistle" + "thwaite".
var (
	surnamePrefixes = words(`Ash Black Brad Brook Butter Cald Car Cock Crab Dun Elm Fair Fern Green Hal Hard Haw Hol Lang Mar
		Mid Nor Oak Pen Rad Rams Red Ros Shaw Sho Stan Sum Thorn Tod Wad Whit Wood Wor Barn Birk Brig Hather Thistle Ing Kirk
		Kil Lock Mos Ow Pick Rother Sel Skel Tat Wain Wether Winter Apple Crow Eccles Hebble Moss Ott`)
	surnameSuffixes = words(`ley ton worth wood field ford by thwaite croft shaw den hurst ham well bottom dale cliffe stall
		er ridge house mere combe gate thorpe wick bury side`)
)

func init() {
	for _, h := range allHeritages {
		h.maleW, h.femaleW, h.familyW = zipf(len(h.male)), zipf(len(h.female)), zipf(len(h.family))
	}
}

// zipf returns cumulative weights 1/(rank+2)^0.9 for n names, most common first.
func zipf(n int) []float64 {
	out := make([]float64, n)
	total := 0.0
	for i := range out {
		total += 1 / math.Pow(float64(i+2), 0.9)
		out[i] = total
	}
	return out
}
