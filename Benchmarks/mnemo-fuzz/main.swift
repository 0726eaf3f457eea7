// mnemo-fuzz: generated statements with hostile values, and raw bytes,
// against a real mnemod (docs/operations.md, "Fuzzing").
//
//   swift build -c release --product mnemod && swift build -c release --product mnemo-fuzz
//   .build/release/mnemo-fuzz --count 1000000 --seed 1
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

// Progress and findings appear as they happen, also when the output goes to a file.
setvbuf(stdout, nil, _IOLBF, 0)
MnemoFuzz.main()
