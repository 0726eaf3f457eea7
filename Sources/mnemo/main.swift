import MnemoStore
print("placeholder")
