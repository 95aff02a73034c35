/** The word list for generated passphrases: 2456 common, lowercase English words of 3 to 9 letters. */

/**
 * KeyPears' own list: concrete, everyday words (animals, food, nature, objects, places,
 * people, verbs, adjectives), alphabetical, without offensive or grim ones, so a passphrase
 * is easy to read aloud and type. Each word carries log2(2456) ≈ 11.3 bits. A test checks
 * uniqueness, length and letters.
 */
export const WORD_LIST: readonly string[] = Object.freeze(
  `
  aardvark ability able absence absolute academy accent accept access account achieve acorn acre
  acrobat action active activity actor actual adapt address adjust admiral admire adopt advance
  adventure advice advise affair age agenda agent agile agree aim airport airy alarm albatross
  album alert alive alley alligator allow alloy almond alpaca alphabet alpine amaze amazing amber
  amount ample amulet amuse anchor anchovy ancient angle angular ankle annual answer anteater
  antelope anthem antique anvil anxious appear appetite applaud applause apple apply apricot apron
  apt aqua arcade arch archer architect arctic ardent arena argument arm armadillo armchair aroma
  aromatic arrange arrive arrow art artful artichoke artist ask asparagus aspect assemble asset
  assist astronaut astute athlete atlas atoll atomic attach attempt attend attic attitude audio
  august aura author autumn avalanche avenue average avid avocado avoid awake award aware axis
  axle azure backbone backpack badge badger bagel bagpipe baguette bail bake baker bakery balance
  balcony ball ballad ballet balloon balmy bamboo banana band bandage bandana banjo bank banker
  banner banquet barber bargain bark barley barn barnacle baron barrel barrier base basic basil
  basin basis basket basset batch bathe bathtub battery bay bazaar beach beacon bead beagle beam
  bean beard beat beaver bedroom beehive beet begin beginning behave belief believe bell belong
  belt bench bend benefit berry bicycle binder bingo birthday biscuit bison bit blade blank
  blanket blaze blend blender blink blizzard block blog bloom blossom blouse blueberry bluebird
  board boast bobcat body boil bold bonfire bonus bony bookcase booklet boot border borrow bottle
  bottom boulder boulevard bounce bouncy boundary bouquet bow bowl boxer bracelet bracket brain
  brainy branch brand brave bread breakfast breath breathe breeze breezy brew brick bridge brief
  bright brilliant brim brisk brisket broad broccoli bronze brook broom brother brownie brush
  bubbly bucket buckle budget buffalo buffet bugle build builder bulb bulldog bumblebee bump bumpy
  bundle bungalow burrow bus bush business busy butler butte butter butterfly button buzzard
  cabaret cabbage cabin cabinet cable cactus cadet cafe cake calculate calendar call calm camel
  cameo camera camp campfire campus canal canary candid candle candor candy canoe canopy canteen
  canvas canyon cap capable cape capsule captain caption capybara caramel caravan carbon cardinal
  care career careful cargo caribou carnival carol carpenter carpet carrot carry cart carton
  cartoon carve cascade case cashew cashier castle casual catalog catch catfish cattle cauldron
  caution cavern cedar celebrate celery cellar census central century cereal ceremony certain
  chain chair chalk chamber champion chance change channel chapter charge charm chart chase chat
  check cheddar cheer cheerful cheese cheetah chef chemist cherry chess chestnut chew chicken
  chili chilly chimney chin chipmunk chisel chive choose chord chorus chowder chubby cicada cider
  cilantro cinema cinnamon circle circuit circus citadel citizen city civil claim clam clap class
  classic clause clean clear clerk clever cliff climate climb clinic clock closet cloud cloudy
  clove clover clown clue cluster coach coast coastal cobbler cobra cockatoo cocoa coconut code
  coffee coin cold collar collect college collie colony color colossal column comb combo comedy
  comet comfort comfy comma command comment commerce common compact compare compass compete
  complete compose composer concert condo condor cone connect consider contain contest context
  continue contour contract convoy cook cookie cool copper copy coral cord cordial corgi cork corn
  corner correct corridor cosmic cosmos costume cottage cotton couch cougar cough council count
  counter courage course court courtyard cousin cove cow cowboy coyote cozy crab cracker cradle
  craft crafty cranberry crane crater crawl crayon cream creamy create credit creek crepe crest
  crew cricket crisp croissant cross crossing crouton crow crown crucial crumpet crunchy crystal
  cube cuckoo cucumber cuddly culture cup cupcake cure curious curly current curry curtain cushion
  custard cute cycle cypress dachshund daily dainty dairy daisy dalmatian damp dance dancer dapper
  dare daring dash data date dawn dazzling decade decent decide decimal deck decorate deep deer
  deft degree delight deliver delta dense density dentist depend depot depth deputy describe
  desert deserve design designer desk detail detective develop device dew dial diamond diary diet
  dig digit dimension diner dingo dinner diploma direct discover dish distant district dive diver
  divide dizzy dock doctor dolphin domain domino donkey donut doodle doorbell doorway dorm double
  dough dove dozen draft drag dragonfly drama draw drawer drawing dream dreamy dress drift drill
  drink drive drum drummer dry duck duet dumpling dune duration dusk dust dusty dynamo eager eagle
  early earn earnest earth easel easy echo eclipse edge edition editor educate eel effect effort
  eggplant egret elastic elder elegant element elephant elevator elk eloquent embassy ember emblem
  embrace emerald empire employ emu endless energy engine engineer enjoy enter entry envelope epic
  episode epoch equal era eraser errand escape espresso essay estate estuary even evening event
  evidence exact examine example exchange excite exercise exhibit exist exit exotic expand expect
  expert explain explore explorer express extra fabric fabulous facet fact factor factory fair
  fairy faithful falcon family famous fan fancy farm farmer fashion fast fasten father faucet
  fearless feast feather feature fellow fence fennel fern ferret ferry festival festive fetch
  fiber fiction fiddle fiddler field fierce fig figure fill filter finale finance finch find fine
  finger finish firefly firm fisher fit fitness fix fjord flag flake flame flamingo flannel flap
  flash flat fleet flight float flora florist flounder flour flow flower fluffy fluid flute fly
  focus fog fold folder folio folk follow font forecast forest forgive fork formal format formula
  fortress fortune forum fossil fountain fox fraction fragrant frame frank free freedom frenzy
  fresh friction friend friendly fringe frog frontier frost frosty frozen fudge fuel full function
  funnel funny future fuzzy gadget galaxy gallant gallery gallon game gamma garage garden gardener
  garland garlic garment gate gather gauge gaze gazebo gazelle gear gecko gem general generous
  genius genre gentle genuine gerbil gesture geyser giant gibbon gifted giggle ginger giraffe
  glacier glad glade gleaming glen glide glimpse global globe glory glossy glove glow glue goat
  goblet golden goldfish golfer gong good goose gopher gorilla gossip grab grace graceful grade
  grain grammar grand granite granola grape grass grateful gravel gravy great green greet grid
  grin group grouse grove grow growth grumpy guard guava guess guest guide guitar gulf gull guppy
  gust gym gymnast habit half hallway halo hamlet hammer hammock hamster hand handle handy hang
  hanger happen happy harbor hardy hare harmless harmony harp harvest hasty hat hatch haven hawk
  hazel hazelnut heal health healthy hear heart hearty heath heavy hedge hedgehog height helix
  helmet help helpful heritage hero heron herring hidden high highway hike hiker hill hinge hint
  hippo history hobby hold holiday hollow homely honest honey honor hook hoop hop hope hopeful
  horizon hornet horse host hostel hotel hound hourglass hover hug huge hum humble hummus humor
  hungry hurdle hurry husky hut hymn ibex ice icon icy idea ideal identify idle igloo iguana image
  imagine immense impact impala improve inch include income index indigo infant inform initial ink
  inn inner input insight inspect instant instinct intact interest invent inventor invite iris
  iron island item ivory ivy jackal jacket jade jaguar jam jar jay jelly jellyfish jester jetty
  jigsaw jockey jog join joke jolly journal journey jovial joy joyful jubilee judge juggle juggler
  juicy jumbo jump jungle jury just kale kangaroo keen keep kelp kestrel ketchup kettle key
  keyboard kick kind kindly king kingdom kiosk kitchen kite kitten kiwi knack kneel knight knit
  knock knowledge koala label ladder ladle ladybug lagoon lake lamb lamp land landlord lane
  language lantern laptop larch large lark lasagna laser last lasting latch late latitude laugh
  launch laundry lava lavish lawyer layer lazy lead leader leaf leafy lean learn ledge leek legacy
  legal legend leisure lemming lemon lemur lens lentil leopard lesson letter lettuce level liberty
  librarian library license lichen lifeguard lifetime lift light like likely lily limber lime
  limit linear linen lion liquid list listen liter little live lively lizard llama load lobby
  lobster local lock locket lodge lofty logic logical long look loose lottery lotus loud love
  lovely loyal lucky lunar lush lynx lyric macaroni macaw machine magazine magenta magic magician
  magma magnet magpie mailbox main major mallard mallet manage manatee mango manor mantis mantle
  manual map maple marathon marble march margin mark market marmalade marmot marry marsh marten
  marvel mask match matter mattress mature maximum mayor meadow measure mechanic medal medium
  meerkat mellow melody melon melt member memory mend mentor menu merchant merry mesa message
  messy metal meteor meter method metro midnight mighty mild mileage milk mill million miner
  mineral mink minnow minor mint minute miracle mirror mission mist misty mitten mix mixture
  mobile model modern modest moist mole molten moment momentum monarch mongoose monitor monkey
  month mood moon moose moral morning mosaic moss mossy moth mother motion motive motor motto
  mountain mouse move mud muffin mug mule mural muscle museum mushroom music musician muskrat
  mustard mutual mystery myth napkin narrow narwhal nation native natural nature neat nebula
  necklace needle neighbor nephew nest network new newt next nice niche nickel niece nightjar
  nimble noble nod noodle noon normal note notebook notice notion novel novelist nugget number
  nurse nutmeg oak oaken oar oasis oat oath oatmeal obey object observe obtain ocean ocelot octave
  octopus odyssey offer office olive omelet omen onion open opera opinion opossum optimal option
  oral orange orbit orca orchard orchestra orchid order ordinary oregano organ organic organize
  origin oriole osprey ostrich otter outcome outer outline output oval oven owl oxygen oyster pace
  pack package paddle page pail paint painter pair palace pale palette palm pan pancake panda
  panel panther pantry papaya paprika parade paradox parcel parent park parka parlor parrot
  parsley parsnip partner party pass passage passion pasta pastry pasture patent path patient
  patio patron pattern pause pavilion payment peace peaceful peach peacock peak peanut pear pebble
  pecan pedal peel pelican pencil pendant penguin penny people pepper perfect perform period
  permit person petal petite phase pheasant phrase physics piano pick pickle picnic picture pie
  piece pier pigeon piglet pike pillow pilot pinch pine pioneer pirate pistachio pitch pitcher
  pixel pizza place plain plan planet plant plate plateau platypus play player playful plaza
  pleasant please pledge plenty pliers plot plover plug plum plumber plush pocket poem poet poetry
  point polar polish polite pond pony poodle popcorn poppy popular porch porpoise port portal
  portion portrait possum postcard poster pot potato potion potter pottery pour power practice
  prairie praise prawn precise prefer prelude premium prepare presence present president press
  pretty pretzel prime prince princess print prism private prize problem process produce product
  professor profile program progress project promise prompt proof proper prose protect protein
  proud proverb provide public pudding puddle puffin pug pull pulley pulse puma pump pumpkin pupil
  puppet pure purple purse push puzzle python quail quaint qualify quality quantity quarry quarter
  quartz queen query quest question quiche quick quiet quilt quirky quota quote rabbit raccoon
  race racket radar radiant radio radish radius raft rain rainbow raise raisin rake rally ram
  ranch random range ranger rank rapid rapids rare raspberry rate ratio raven ravioli reach read
  reader ready real realize reason receive recipe record recycle reef referee reflect regal region
  regular reindeer relax release relic remain remedy remember remind repair repeat reply report
  rescue reserve resort resource rest result return rhubarb rhyme rhythm ribbon rice rich riddle
  ride ridge right rigid ring rinse ripe risotto ritual rival river road roam roast robe robin
  robust rock rocket rodeo role roll rooftop rooster rope rose rosy round row royal ruby rug
  rugged ruler rumor rural rush rustic saddle safe saffron saga sage sail sailor salad salmon
  salsa salty salute sample sand sandwich sandy sardine satchel satin sauce saucer sausage savanna
  save saw scale scallop scarf scatter scene scenic scheme scholar school science scientist
  scissors scone score scout screen screw script sculptor sculpture seal search seashore season
  second secret section sector secure select sell senator send sense sentence sequel serene series
  serve sesame session settle sew shade shadow shady shape share shark sharp shave sheep shelf
  sherbet sheriff shine shiny shiver shop shore short shout shovel shrimp shrub shrug sieve sign
  signal silence silent silk silky silver simple sincere sing singer single sip sister sit skate
  skater sketch ski skill skillet skip skunk sky sled sleek sleep slide slim slipper slogan slope
  sloth slow small smart smell smile smooth snail sneeze snore snow snowy snug soak socket sofa
  soft soil solar solid solstice solution solve sonic sonnet sort sound soup source space spaniel
  spare spark sparkle sparkling sparrow spatula speak speech speed speedy spell sphere spicy spin
  spinach spirit splash splendid sponge spool spoon sport sporty spot spray spring sprint sprout
  spruce square squash squeeze squid squirrel stable stack stadium stage stamina stamp stand
  stapler star stare stark starling start station statue status stay steady steep steer stencil
  step stereo stew sticky stingray stir stitch stone stool stop store stork storm story stout
  stove strategy stream street strength stretch strict stripe striped stroll strong strudel
  student studio study sturdy style subject subtle suburb subway succeed sudden sugar suggest
  suitcase summer summit sun sunny sunrise sunset super superb supper supply support supreme sure
  surf surface surgeon surprise sushi swallow swamp swan sweater sweet swift swim swing symbol
  symphony syntax syrup system table tablet taco tadpole tailor talent talk tall tame tangerine
  tango tangy tapir target task taste tea teach teacher teapot tease telescope tell temple tempo
  tenant tender tennis tension tent term terrace terrier texture thank thankful theater theme
  theory thick thicket thimble thin think thorough thought thread throw thunder thyme ticket
  tickle tide tidy tie tiger timber tiny tip toad toast toaster toffee token tomato toolbox topic
  topical torch tortilla tortoise total toucan touch tough tour tourist towel tower town trace
  track trade trader tradition traffic trail train tranquil transit travel tray treasure treat
  tree trend tribute trick trim trio triumph trophy tropical trot trout true truffle trumpet trunk
  trust trusty try tuba tuition tulip tumble tuna tundra tune tunic tunnel turkey turn turnip
  turtle tutor twilight twin twirl twist type typical ultra umbrella umpire uncle unfold unicorn
  union unique unit unite united universe unlock untie upbeat update urban urchin use useful usher
  usual utopia vacation valid valley valor value vanilla vanish vapor vase vast vector velvet
  venture venue verbal verse version veteran vibrant victory video view vigor viking village vine
  vinegar vineyard violet violin virtue vision visit visitor vital vitamin vivid vocal voice
  volcano volume voter voyage vulture waffle wage wagon wait waiter wake walk wallet walnut walrus
  waltz wander want warbler warden wardrobe warehouse warm wasabi wash wasp watch water waterfall
  wave wavy wealth wealthy wear weasel weave weaver weekend weigh welcome whale wharf whisker
  whisper whistle whole wide width wild willing willow win wind window windy wink winter wisdom
  wise wish witty wizard wolf wombat wonder wood woodchuck wooden woolly work workshop world
  worthy wrap wren wrench write writer yacht yak yard yarn yawn year yell yogurt young youthful
  zany zealous zebra zenith zero zesty zipper zone zoom zucchini
`
    .trim()
    .split(/\s+/),
);
