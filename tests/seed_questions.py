"""Questions about the default article whose right paragraph is obvious from its text."""

ON_TOPIC = [
    ("Can Ankara restrain Kiev now that it has these weapons?", 1),
    ("What is the ongoing civil war in Ukraine about?", 1),
    ("What potentially game-changing weapons does Kiev now possess?", 1),
    ("Which countries did Turkey sell drones to?", 2),
    ("Who warned about the destabilizing impact of the drones?", 2),
    ("What did the Russian presidential spokesman say?", 2),
    ("What did the author write earlier this summer?", 2),
    ("What is the primary pillar of Turkey's military diplomacy?", 3),
    ("What does military diplomacy refer to?", 3),
    ("Whose military superiority in the Black Sea does Turkey want to balance?", 3),
    ("Does Turkey tacitly back NATO's regional goals?", 3),
    ("Who is practicing a careful balancing act between East and West?", 4),
    ("How many Western ambassadors issued a joint statement?", 4),
    ("Whose release did the ambassadors demand?", 4),
    ("Which countries is Turkey enhancing ties with?", 4),
]

OFF_TOPIC = [
    "What is the capital of France?",
    "How do I bake sourdough bread?",
    "Who won the 2018 football World Cup?",
    "What is the boiling point of water at sea level?",
    "How many moons does Jupiter have?",
    "Who painted the Mona Lisa?",
    "What is a good recipe for pancakes?",
    "How does photosynthesis work in plants?",
]
