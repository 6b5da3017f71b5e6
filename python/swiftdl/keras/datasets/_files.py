"""Finding a data set's files locally before ever reaching for the network."""
import os

ENVIRONMENT_VARIABLE = "SWIFTDL_DATASETS"


def candidate_folders(path=None):
    """Where local copies are looked for, in order: `path`, $SWIFTDL_DATASETS,
    ~/.keras/datasets, ~/.cache/swiftdl/datasets."""
    folders = []
    if path:
        folders.append(os.path.expanduser(os.fspath(path)))
    if os.environ.get(ENVIRONMENT_VARIABLE):
        folders.extend(os.environ[ENVIRONMENT_VARIABLE].split(os.pathsep))
    home = os.path.expanduser("~")
    folders.append(os.path.join(home, ".keras", "datasets"))
    folders.append(os.path.join(home, ".cache", "swiftdl", "datasets"))
    return folders


def find(names, path=None, subfolders=("",)):
    """The first existing file among `names` in the candidate folders (or their subfolders)."""
    for folder in candidate_folders(path):
        if os.path.isfile(folder) and os.path.basename(folder) in names:
            return folder
        for sub in subfolders:
            for name in names:
                candidate = os.path.join(folder, sub, name)
                if os.path.isfile(candidate):
                    return candidate
    return None


def download(url, filename, sha256, dataset):
    """Downloads into ~/.keras/datasets and checks the SHA-256; explains offline failures."""
    target_folder = os.path.join(os.path.expanduser("~"), ".keras", "datasets")
    target = os.path.join(target_folder, filename)
    # Imported here: urllib pulls in http, ssl and email (~15 ms), which only a download needs.
    import hashlib
    import urllib.request
    try:
        os.makedirs(target_folder, exist_ok=True)
        temporary = target + ".part"
        urllib.request.urlretrieve(url, temporary)
    except OSError as error:
        raise OSError(
            f"{dataset}: no local copy was found and downloading {url} failed ({error}). "
            f"Put {filename} in one of: {', '.join(candidate_folders())} "
            f"(or point ${ENVIRONMENT_VARIABLE} or path= at it)") from None
    digest = hashlib.sha256(open(temporary, "rb").read()).hexdigest()
    if digest != sha256:
        os.remove(temporary)
        raise OSError(f"{dataset}: the downloaded {filename} has SHA-256 {digest}, expected {sha256}; refusing it")
    os.replace(temporary, target)
    return target
